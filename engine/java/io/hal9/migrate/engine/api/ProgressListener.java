package io.hal9.migrate.engine.api;

import java.time.Duration;

/** Follows a run step by step and batch by batch; the CLI draws its progress bar from these calls. */
public interface ProgressListener {
  ProgressListener NONE = new ProgressListener() {};

  /** A step starts (or resumes with {@code rowsDone} rows already committed). */
  default void stepStarted(StepInfo step, long rowsDone) {}

  /** {@code total} is -1 until the step announces it. */
  default void batchCommitted(StepInfo step, long rowsDone, long total) {}

  /**
   * This process claimed partition {@code partition} (from 1) of a partitioned step, {@code rowsDone} of its rows
   * committed before. Its batches then come as {@link #partitionCommitted}, and {@link #batchCommitted} tells the whole
   * step's rows as far as this process knows them.
   */
  default void partitionClaimed(StepInfo step, int partition, long rowsDone, long total) {}

  /** A batch of a partition this process claimed committed. */
  default void partitionCommitted(StepInfo step, int partition, long rowsDone, long total) {}

  /** How long one batch's transaction took: its writes, its checkpoint and the commit. */
  default void transactionCommitted(StepInfo step, Duration took) {}

  default void stepFinished(StepInfo step, Ending ending, long rowsDone, Duration elapsed) {}

  /**
   * Why the running step holds back before its next batch ({@code paused since ...}, a throttle's reason), or null
   * once it goes on.
   */
  default void held(StepInfo step, String reason) {}

  /** A run took the lock: its id and fencing epoch. */
  default void runStarted(String runId, long epoch) {}

  /** A batch of the step rejected {@code rows} rows (kept in hal9_rejects). */
  default void rowsRejected(StepInfo step, long rows) {}

  /** This process recorded an event (in hal9_events): its type, severity and message. */
  default void eventRecorded(String type, String severity, String message) {}

  /** The routing HAL9 reads, as the run found it when it started and after each change it committed. */
  default void routed(Routing routing) {}

  /** Which step: its version, id and type. */
  record StepInfo(String version, String id, String type) {}

  /** How a step's attempt ended. */
  enum Ending {
    DONE,
    FAILED,
    /** Stopped at a batch boundary, or cut off by a lost lock: the committed checkpoint holds. */
    STOPPED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
