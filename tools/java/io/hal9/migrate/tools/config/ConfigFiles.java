package io.hal9.migrate.tools.config;

import io.hal9.migrate.engine.spi.PlanProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The config files named on the command line: files as given, directories walked for .yaml, .yml, .json,
 * .properties and .env files (hidden directories such as .git skipped). Templates such as .env.example are
 * not .env files: their placeholders are on purpose.
 */
final class ConfigFiles {
  private static final ConfigReader TREE = new TreeReader();
  private static final ConfigReader PROPERTIES = new PropertiesReader();
  private static final ConfigReader ENV = new EnvReader();

  private ConfigFiles() {}

  /** The reader for a file, by its name, or null when it is no config file. */
  static ConfigReader readerFor(Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json")) {
      return TREE;
    }
    if (name.endsWith(".properties")) {
      return PROPERTIES;
    }
    return name.endsWith(".env") ? ENV : null;
  }

  /** Every config file under {@code paths}, in order, each once; paths that are missing land in {@code problems}. */
  static List<Path> expand(List<Path> paths, List<PlanProblem> problems) {
    Set<Path> files = new LinkedHashSet<>();
    for (Path path : paths) {
      if (Files.isDirectory(path)) {
        files.addAll(walk(path, problems));
      } else if (!Files.exists(path)) {
        problems.add(new PlanProblem(path, 0, "no such file or directory"));
      } else if (readerFor(path) == null) {
        problems.add(new PlanProblem(path, 0, "not a config file (expected .yaml, .yml, .json, .properties or .env)"));
      } else {
        files.add(path.normalize());
      }
    }
    return List.copyOf(files);
  }

  private static List<Path> walk(Path directory, List<PlanProblem> problems) {
    List<Path> found = new ArrayList<>();
    try (Stream<Path> all = Files.walk(directory)) {
      all.filter(Files::isRegularFile)
          .filter(file -> readerFor(file) != null)
          .filter(file -> !inHiddenDirectory(directory, file))
          .map(Path::normalize)
          .sorted()
          .forEach(found::add);
    } catch (IOException | UncheckedIOException e) {
      problems.add(new PlanProblem(directory, 0, "cannot read: " + e.getMessage()));
    }
    return found;
  }

  private static boolean inHiddenDirectory(Path directory, Path file) {
    Path relative = directory.relativize(file.getParent());
    for (Path part : relative) {
      if (part.toString().startsWith(".")) {
        return true;
      }
    }
    return false;
  }
}
