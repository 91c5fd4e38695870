package io.hal9.migrate.engine.plan;

import java.nio.file.Path;
import java.util.List;

/** One plan file: a version, its description (from the file name) and its steps in order. */
public record PlanVersion(VersionNumber version, String description, Path file, List<StepDefinition> steps) {

  public String script() {
    return file.getFileName().toString();
  }
}
