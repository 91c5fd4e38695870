package io.hal9.migrate.engine.internal.plan;

import io.hal9.migrate.engine.spi.PlanProblem;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepFile;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the files steps name, once, at plan load: each must stay inside the plan directory (after following
 * links), exist and be readable; what is read is what the checksum covers and what the step runs.
 */
final class PlanFiles {
  private PlanFiles() {}

  /** The key a file is kept under: its path relative to the plan directory, normalised, '/'-separated. */
  static String key(String path) {
    return Path.of(path).normalize().toString().replace('\\', '/');
  }

  /** The step's files by {@link #key}; each problem goes to {@code problems} against the key naming the file. */
  static Map<String, byte[]> read(StepDefinition step, List<StepFile> files, List<PlanProblem> problems) {
    Map<String, byte[]> contents = new LinkedHashMap<>();
    Path root;
    try {
      root = step.planDirectory().toRealPath();
    } catch (IOException e) {
      problems.add(problem(step, files.isEmpty() ? "id" : files.get(0).key(), "cannot read the plan directory: " + e));
      return contents;
    }
    for (StepFile file : files) {
      Path resolved = step.planDirectory().resolve(file.path());
      if (Path.of(file.path()).isAbsolute() || !resolved.normalize().startsWith(step.planDirectory().normalize())) {
        problems.add(problem(step, file.key(), file.path() + " is outside the plan directory " + step.planDirectory()
            + " (give a path inside it)"));
        continue;
      }
      if (file.folder() ? !Files.isDirectory(resolved) : !Files.isRegularFile(resolved)) {
        problems.add(problem(step, file.key(), (file.folder() ? "no such folder: " : "no such file: ") + resolved));
        continue;
      }
      try {
        if (!resolved.toRealPath().startsWith(root)) {
          problems.add(problem(step, file.key(), file.path() + " leads outside the plan directory (a link to "
              + resolved.toRealPath() + ")"));
          continue;
        }
        if (!file.folder()) {
          contents.put(key(file.path()), Files.readAllBytes(resolved));
          continue;
        }
        try (Stream<Path> walk = Files.walk(resolved)) {
          for (Path found : walk.filter(Files::isRegularFile).sorted().toList()) {
            if (!found.toRealPath().startsWith(root)) {
              problems.add(problem(step, file.key(), step.planDirectory().relativize(found) + " leads outside the plan"
                  + " directory (a link to " + found.toRealPath() + ")"));
              continue;
            }
            contents.put(key(file.path() + "/" + resolved.relativize(found)), Files.readAllBytes(found));
          }
        }
      } catch (AccessDeniedException e) {
        problems.add(problem(step, file.key(), "cannot read " + e.getFile() + ": permission denied"));
      } catch (NoSuchFileException e) {
        problems.add(problem(step, file.key(), "no such file: " + e.getFile()));
      } catch (IOException e) {
        problems.add(problem(step, file.key(), "cannot read " + resolved + ": " + e.getMessage()));
      }
    }
    return contents;
  }

  private static PlanProblem problem(StepDefinition step, String key, String message) {
    return new PlanProblem(step.file(), step.line(key), "step '" + step.id() + "' key '" + key + "': " + message);
  }
}
