package io.hal9.migrate.tools.config;

import io.hal9.migrate.engine.spi.LocatedYaml;
import io.hal9.migrate.engine.spi.PlanProblem;
import java.nio.file.Path;
import java.util.List;

/** YAML (every {@code ---} document, so Kubernetes manifests) and JSON, through the plans' line-keeping reader. */
final class TreeReader implements ConfigReader {
  @Override
  public List<ConfigDocument> read(Path file, List<PlanProblem> problems) {
    return LocatedYaml.readDocuments(file, problems).stream().map(tree -> ConfigDocument.tree(file, tree)).toList();
  }
}
