package io.hal9.migrate.tools.config;

import io.hal9.migrate.engine.spi.PlanProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A flat config format read line by line (.env, .properties): one document of entries, or problems. */
abstract class LineConfigReader implements ConfigReader {

  @Override
  public final List<ConfigDocument> read(Path file, List<PlanProblem> problems) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      problems.add(new PlanProblem(file, 0, "cannot read: " + e.getMessage()));
      return List.of();
    }
    int before = problems.size();
    ConfigDocument document = ConfigDocument.flat(file, d -> entries(d, lines, problems));
    return problems.size() > before ? List.of() : List.of(document);
  }

  /** The entries of the file's {@code lines}, each at the line it starts on. */
  abstract List<ConfigEntry> entries(ConfigDocument document, List<String> lines, List<PlanProblem> problems);
}
