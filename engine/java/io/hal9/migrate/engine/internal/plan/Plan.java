package io.hal9.migrate.engine.internal.plan;

import io.hal9.migrate.engine.spi.StepDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A validated plan directory: its versions in order. */
public record Plan(Path directory, List<PlanVersion> versions) {

  public Optional<StepDefinition> step(String id) {
    return versions.stream().flatMap(v -> v.steps().stream()).filter(s -> s.id().equals(id)).findFirst();
  }

  /** The versions up to and including {@code target} (all when null). */
  public List<PlanVersion> upTo(VersionNumber target) {
    return versions.stream().filter(v -> target == null || v.version().compareTo(target) <= 0).toList();
  }
}
