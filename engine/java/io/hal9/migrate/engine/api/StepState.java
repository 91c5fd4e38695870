package io.hal9.migrate.engine.api;

import java.util.Locale;

/** Where a step stands. */
public enum StepState {
  PENDING,
  RUNNING,
  /** Running, and waiting before its next batch for {@code resume}: it keeps its lock and its checkpoint. */
  PAUSED,
  DONE,
  FAILED,
  /** A rollback started and did not finish: {@code rollback} resumes it, {@code migrate} refuses until then. */
  ROLLING_BACK,
  ROLLED_BACK;

  /** As stored and shown: {@code rolling_back}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
