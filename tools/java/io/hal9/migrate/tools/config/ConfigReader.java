package io.hal9.migrate.tools.config;

import io.hal9.migrate.engine.spi.PlanProblem;
import java.nio.file.Path;
import java.util.List;

/** Reads one kind of config file into documents; what does not parse lands in {@code problems}, with its line. */
interface ConfigReader {
  List<ConfigDocument> read(Path file, List<PlanProblem> problems);
}
