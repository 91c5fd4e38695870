package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.checkpoints.StepState;

/** Whether a step is being applied or undone, and so which of its checkpoint's progress it goes on from. */
enum Direction {
  APPLY,
  UNDO;

  /** Whether the cursor and rows in {@code checkpoint} are this direction's, to resume from. */
  boolean resumes(StepCheckpoint checkpoint) {
    if (checkpoint == null) {
      return false;
    }
    return this == APPLY
        ? checkpoint.state() != StepState.ROLLED_BACK && checkpoint.state() != StepState.ROLLING_BACK
        : checkpoint.state() == StepState.ROLLING_BACK;
  }

  /**
   * Whether the counters in {@code checkpoint} are the ones to start from: those of the attempt resumed, or, for an
   * undo, those of the run it undoes.
   */
  boolean keepsCounters(StepCheckpoint checkpoint) {
    return this == APPLY ? resumes(checkpoint) : checkpoint != null && checkpoint.state() != StepState.ROLLED_BACK;
  }
}
