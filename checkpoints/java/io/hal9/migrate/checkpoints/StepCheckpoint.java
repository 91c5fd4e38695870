package io.hal9.migrate.checkpoints;

import java.time.LocalDateTime;

/**
 * A step's row in hal9_steps: its state, the cursor an interrupted step resumes from, and its counters.
 *
 * @param cursor opaque to the store; the step type decides what it means (for keyset batches, the last key)
 * @param counters a JSON object of step-specific counts, or null
 * @param undoRecord what the step needs to undo its work (JSON), or null
 * @param expected the units of work the step counted, or -1 before it did
 * @param heldBy why the running step holds back before its next batch (a throttle), or null
 */
public record StepCheckpoint(
    String stepId,
    String version,
    String type,
    String checksum,
    StepState state,
    String cursor,
    long rows,
    String counters,
    String undoRecord,
    int attempts,
    String error,
    String runId,
    LocalDateTime startedAt,
    LocalDateTime updatedAt,
    LocalDateTime finishedAt,
    long expected,
    String heldBy) {

  /** True once the step has touched the database: its definition may no longer change unnoticed. */
  public boolean applied() {
    return state != StepState.PENDING && state != StepState.ROLLED_BACK;
  }
}
