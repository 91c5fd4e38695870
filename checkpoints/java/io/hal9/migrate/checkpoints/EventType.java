package io.hal9.migrate.checkpoints;

import java.util.Locale;

/** What happened, as hal9_events keeps it, with how much it matters to an operator. */
public enum EventType {
  STEP_STARTED(Severity.INFO),
  /** A step that had failed starts again. */
  STEP_RETRIED(Severity.WARNING),
  STEP_FINISHED(Severity.INFO),
  STEP_FAILED(Severity.CRITICAL),
  /** Stopped at a batch boundary (a signal, {@code Hal9Migrate#stop}); the next run resumes it. */
  STEP_STOPPED(Severity.INFO),
  ROWS_REJECTED(Severity.WARNING),
  LOCK_TAKEN_OVER(Severity.WARNING),
  LOCK_LOST(Severity.CRITICAL),
  UNLOCKED(Severity.WARNING),
  REPAIRED(Severity.INFO),
  ROLLBACK_STARTED(Severity.WARNING),
  ROLLBACK_FINISHED(Severity.INFO),
  PAUSED(Severity.INFO),
  RESUMED(Severity.INFO),
  /** A step holds back before a batch: a rate limit, or the database or a Prometheus query says it is under stress. */
  THROTTLED(Severity.INFO),
  /** The routing HAL9 reads changed: a rollout phase, or a flag set by hand. */
  ROUTING_CHANGED(Severity.INFO),
  /** A rollout's trigger fired (or an abort was asked for): traffic and flags went back to the previous phase. */
  ROUTING_ROLLED_BACK(Severity.CRITICAL),
  ROLLOUT_ABORT_REQUESTED(Severity.WARNING),
  /** Something a step wants an operator to see that does not stop it: a gate without data, a publish retried. */
  STEP_WARNING(Severity.WARNING),
  /** A partitioned step's key space was split into partitions for workers to claim. */
  PARTITIONED(Severity.INFO),
  PARTITION_CLAIMED(Severity.INFO),
  /** A partition whose owner's lease ran out was claimed by another: its owner stalled or died. */
  PARTITION_TAKEN_OVER(Severity.WARNING),
  PARTITION_DONE(Severity.INFO);

  /** How much an event matters: the {@code severity} label of the events metric. */
  public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Severity severity;

  EventType(Severity severity) {
    this.severity = severity;
  }

  public Severity severity() {
    return severity;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
