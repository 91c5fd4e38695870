package io.hal9.migrate.engine.api;

import java.util.List;
import java.util.Optional;

/** Every plan version with its steps' checkpoints, and who holds the run lock. */
public record Status(List<VersionStatus> versions, Optional<LockInfo> lock) {

  public record VersionStatus(String version, String description, VersionState state, List<StepStatus> steps) {}

  /** @param counters the step's own counts as a JSON object, or null */
  public record StepStatus(String id, String type, StepState state, long rows, int attempts, String error, String counters) {}
}
