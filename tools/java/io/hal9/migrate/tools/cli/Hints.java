package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;

/**
 * What a user of the CLI does about a failure, in its flags: the engine says what is wrong, in the words of its
 * API; this adds the option or command that fixes it.
 */
final class Hints {
  private Hints() {}

  static Hal9MigrateException added(Hal9MigrateException e) {
    if (!(e.code() instanceof ErrorCode code)) {
      return e;
    }
    String message = switch (code) {
      case BAD_URL -> "--url " + e.getMessage();
      case LOCKED -> e.getMessage() + "; wait with --wait-lock SECONDS, or 'unlock' if that run is gone";
      case CHECKSUM_MISMATCH -> e.getMessage() + "; revert it, or run 'repair --accept-changed'";
      case HISTORY_MISMATCH -> e.getMessage() + "; restore it, or run 'repair --forget-missing'";
      case ROLLBACK_INCOMPLETE -> e.getMessage() + "; finish with 'rollback --to <version>' before running again";
      default -> e.getMessage();
    };
    return message.equals(e.getMessage()) ? e : new Hal9MigrateException(e.code(), message, e.details(), e);
  }

  /** A usage mistake in the value of {@code option}. */
  static Hal9MigrateException ofOption(String option, Hal9MigrateException e) {
    return e.code() == ErrorCode.USAGE ? new Hal9MigrateException(e.code(), option + " " + e.getMessage(), e.details(), e) : e;
  }

  /** What repair left, as the hint to give it. */
  static String changedLeft(String stepId) {
    return "step '" + stepId + "' changed since it was applied (use --accept-changed)";
  }

  static String missingLeft(String stepId) {
    return "step '" + stepId + "' is no longer in the plans (use --forget-missing)";
  }
}
