package io.hal9.migrate.engine;

import io.hal9.migrate.checkpoints.LockHolder;
import java.util.List;
import java.util.Optional;

/** Every plan version with its steps' checkpoints, and who holds the run lock. */
public record Status(List<VersionStatus> versions, Optional<LockHolder> lock) {

  public record VersionStatus(String version, String description, String state, List<StepStatus> steps) {}

  public record StepStatus(String id, String type, String state, long rows, int attempts, String error, String counters) {}
}
