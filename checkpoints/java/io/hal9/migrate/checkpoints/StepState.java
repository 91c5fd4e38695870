package io.hal9.migrate.checkpoints;

import java.util.Locale;

/** Where a step stands, as stored in hal9_steps and shown by {@code status}. */
public enum StepState {
  PENDING,
  RUNNING,
  DONE,
  FAILED,
  /** A rollback started and did not finish: {@code rollback} resumes it, {@code run} refuses until then. */
  ROLLING_BACK,
  ROLLED_BACK;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static StepState of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
