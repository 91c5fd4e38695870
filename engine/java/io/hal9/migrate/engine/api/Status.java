package io.hal9.migrate.engine.api;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

/**
 * Every plan version with its steps' checkpoints, who holds the run lock, and whether the runs are paused, read at
 * {@code at} by the database's clock (the clock of every time here).
 */
public record Status(List<VersionStatus> versions, Optional<LockInfo> lock, Optional<PauseInfo> paused, LocalDateTime at) {

  public record VersionStatus(String version, String description, VersionState state, List<StepStatus> steps) {}

  /**
   * @param expected the units of work the step counted, or -1 before it did
   * @param counters the step's own counts as a JSON object, or null
   * @param heldBy why the running step holds back before its next batch (a throttle), or null
   * @param updatedAt its last checkpoint, or null before its first
   * @param partitions a partitioned step's partitions by number; none for another step
   */
  public record StepStatus(String id, String type, StepState state, long rows, long expected, int attempts, String error,
      String counters, String heldBy, LocalDateTime startedAt, LocalDateTime updatedAt, List<PartitionStatus> partitions) {}

  /**
   * One partition of a partitioned step: its state ({@code pending}, {@code running}, {@code done}), its rows, and who
   * works it while its lease runs.
   *
   * @param undo whether it is a partition of the step's rollback
   * @param expected its rows counted when the step was split, or -1
   * @param owner the host and pid of its last claimer, or null while unclaimed
   * @param leaseUntil when its owner's lease runs out (by the database's clock), or null
   * @param leaseExpired whether a running partition's owner let its lease run out: another worker will take it over
   * @param claims how often it was claimed; more than once after a takeover or a resume
   */
  public record PartitionStatus(int number, boolean undo, String state, long rows, long expected, String owner,
      LocalDateTime leaseUntil, boolean leaseExpired, int claims) {}

  /** The runs are paused since {@code since} by {@code by} (host and pid of whoever paused them). */
  public record PauseInfo(LocalDateTime since, String by) {}
}
