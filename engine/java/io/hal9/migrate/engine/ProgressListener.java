package io.hal9.migrate.engine;

import java.time.Duration;

/** Follows a run step by step and batch by batch; the CLI draws its progress bar from these calls. */
public interface ProgressListener {
  ProgressListener NONE = new ProgressListener() {};

  /** A step starts (or resumes with {@code rowsDone} rows already committed). */
  default void stepStarted(StepInfo step, long rowsDone) {}

  /** {@code total} is -1 until the step announces it. */
  default void batchCommitted(StepInfo step, long rowsDone, long total) {}

  /** How long one batch's transaction took: its writes, its checkpoint and the commit. */
  default void transactionCommitted(StepInfo step, Duration took) {}

  default void stepFinished(StepInfo step, String state, long rowsDone, Duration elapsed) {}

  /** Which step: its version, id and type. */
  record StepInfo(String version, String id, String type) {}
}
