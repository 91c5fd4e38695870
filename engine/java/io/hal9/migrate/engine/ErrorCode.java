package io.hal9.migrate.engine;

/** The stable failure codes of the CLI contract, each with its exit code. */
public enum ErrorCode {
  USAGE(2),
  PLAN_INVALID(2),
  BAD_URL(2),
  DB_UNREACHABLE(2),
  ROLLBACK_REFUSED(2),
  CONFIG_UNREADABLE(2),
  STEP_FAILED(1),
  LOCKED(3),
  LOCK_LOST(3),
  CHECKSUM_MISMATCH(4),
  HISTORY_MISMATCH(4),
  ROLLBACK_INCOMPLETE(4),
  HEALTH_FAILED(5),
  CONFIG_INVALID(5),
  STOPPED(130),
  INTERNAL(1);

  private final int exitCode;

  ErrorCode(int exitCode) {
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
