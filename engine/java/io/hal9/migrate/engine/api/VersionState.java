package io.hal9.migrate.engine.api;

import java.util.List;
import java.util.Locale;

/** Where a version stands, from its steps. */
public enum VersionState {
  PENDING,
  RUNNING,
  DONE,
  FAILED,
  ROLLED_BACK;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Done when every step is; failed when one is; running while some work is applied; rolled back when all are. */
  public static VersionState of(List<StepState> steps) {
    if (steps.stream().allMatch(s -> s == StepState.DONE)) {
      return DONE;
    }
    if (steps.contains(StepState.FAILED)) {
      return FAILED;
    }
    if (steps.stream().anyMatch(s -> s == StepState.RUNNING || s == StepState.PAUSED || s == StepState.DONE || s == StepState.ROLLING_BACK)) {
      return RUNNING;
    }
    if (steps.stream().allMatch(s -> s == StepState.ROLLED_BACK)) {
      return ROLLED_BACK;
    }
    return PENDING;
  }
}
