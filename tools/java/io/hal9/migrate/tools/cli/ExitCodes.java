package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.FailureCode;
import io.hal9.migrate.tools.ToolCode;

/**
 * The CLI contract: the exit code of each failure code. 2: the command could not start (usage, plans, database,
 * files); 1: a step failed; 3: the run lock; 4: the plans and the database disagree; 5: a check found a problem;
 * 130: stopped.
 */
final class ExitCodes {
  private ExitCodes() {}

  static int of(FailureCode code) {
    if (code instanceof ErrorCode engine) {
      return switch (engine) {
        case USAGE, PLAN_INVALID, BAD_URL, DB_UNREACHABLE, ROLLBACK_REFUSED -> 2;
        case STEP_FAILED -> 1;
        case LOCKED, LOCK_LOST -> 3;
        case CHECKSUM_MISMATCH, HISTORY_MISMATCH, ROLLBACK_INCOMPLETE -> 4;
        case STOPPED -> 130;
      };
    }
    if (code instanceof ToolCode tool) {
      return switch (tool) {
        case CONFIG_UNREADABLE, K8S_NOT_FOUND, K8S_UNREACHABLE, K8S_REFUSED -> 2;
        case HEALTH_FAILED, CONFIG_INVALID, CAPACITY_SHORT, ROLLOUT_TIMEOUT, ROLLED_BACK -> 5;
        case INTERNAL -> 1;
      };
    }
    return 1; // a code of a user's step type
  }
}
