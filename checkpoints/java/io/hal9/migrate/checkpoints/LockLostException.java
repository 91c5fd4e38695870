package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;

import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * This runner's lease was taken over, or the lock released by hand: nothing more of it commits. The message says
 * who holds the lock now and, once the runner adds it ({@link #committed}), what of the step had been committed.
 */
public final class LockLostException extends RuntimeException {
  private LockLostException(String message) {
    super(message);
  }

  /**
   * Lost to whoever raised the epoch: the run of the current epoch, or, when there is none, an {@code unlock} (it
   * raises the epoch without a run).
   */
  static LockLostException seen(DSLContext on, long myEpoch, long currentEpoch) {
    Record next = run(on, myEpoch + 1);
    Record now = currentEpoch == myEpoch + 1 ? next : run(on, currentEpoch);
    String how = next != null ? "another runner took over: " + who(next)
        : "the lock was released by hand, with 'unlock'" + (now == null ? "" : ", then taken by " + who(now));
    return new LockLostException("lost the run lock: this runner holds epoch " + myEpoch + " but the database is at epoch "
        + currentEpoch + " (" + how + ")");
  }

  private static Record run(DSLContext on, long epoch) {
    return on.select(RUN_HOST, RUN_PID, RUN_STATE).from(RUNS).where(RUN_EPOCH.eq(epoch)).fetchAny();
  }

  private static String who(Record run) {
    return run.get(RUN_HOST) + " pid " + run.get(RUN_PID) + ", " + run.get(RUN_STATE);
  }

  /** Lost, as the heartbeat found, when the lock row cannot be read to say to whom. */
  static LockLostException noticed(long myEpoch) {
    return new LockLostException("lost the run lock of epoch " + myEpoch + ": its lease could not be renewed in time,"
        + " and another runner may have taken over (see 'status')");
  }

  /** A partition another owner claimed once this one's lease had run out (or that was released meanwhile). */
  static LockLostException partition(Partition now, long myEpoch) {
    String how = now.ownerRun() == null ? "released" : "claimed by " + now.owner();
    return new LockLostException("lost partition " + now.number() + " of step '" + now.stepId() + "': this worker holds"
        + " epoch " + myEpoch + " but the partition is at epoch " + now.epoch() + " (" + how + " after this worker's lease"
        + " ran out)");
  }

  /** The same loss, saying what the step had committed before it and what it did not. */
  public LockLostException committed(String what) {
    LockLostException described = new LockLostException(getMessage() + "; " + what);
    described.initCause(this);
    return described;
  }
}
