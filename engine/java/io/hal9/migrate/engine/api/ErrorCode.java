package io.hal9.migrate.engine.api;

/** The engine's failure codes. What each means for a process (its exit code) is the CLI's to say. */
public enum ErrorCode implements FailureCode {
  /** The engine was called wrongly: no database, a version that is not one. */
  USAGE,
  PLAN_INVALID,
  BAD_URL,
  DB_UNREACHABLE,
  /** A step to undo has no undo; nothing was changed. */
  ROLLBACK_REFUSED,
  STEP_FAILED,
  /** A live runner holds the run lock. */
  LOCKED,
  /** Another runner took over, or the lock was released by hand, while this one ran. */
  LOCK_LOST,
  /** An applied step was edited since. */
  CHECKSUM_MISMATCH,
  /** The database has applied a step the plans no longer have. */
  HISTORY_MISMATCH,
  /** A rollback was interrupted; only a rollback may go on from there. */
  ROLLBACK_INCOMPLETE,
  /** {@link Hal9Migrate#stop()} was called; the checkpoint is saved. */
  STOPPED
}
