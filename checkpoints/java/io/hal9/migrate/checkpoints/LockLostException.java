package io.hal9.migrate.checkpoints;

/** This runner's lease was taken over (or released by hand): its uncommitted batch was rolled back. */
public final class LockLostException extends RuntimeException {
  LockLostException(long myEpoch, long currentEpoch) {
    super("lost the run lock: this runner holds epoch " + myEpoch + " but the database is at epoch "
        + currentEpoch + " (another runner took over); the current batch was rolled back");
  }
}
