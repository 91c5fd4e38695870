package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;

import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * The lease's hold on every write of its runner. A transaction is tagged first (so a takeover can end it should its
 * runner stall inside it, see {@link LockDialect#endSessionsOf}) and checked last: it locks the lease row and fails
 * unless the lock's epoch and run are still this runner's, so a runner that lost its lease commits nothing more.
 */
final class Fence {
  private final Lease lease;
  private final LockDialect locks;

  Fence(Lease lease, LockDialect locks) {
    this.lease = lease;
    this.locks = locks;
  }

  void tag(DSLContext tx) {
    locks.tagTransaction(tx, lease.epoch());
  }

  /** The same mark on a whole session (a connection writing outside transactions), until {@link #untag}. */
  void tagSession(DSLContext session) {
    locks.tagSession(session, lease.epoch());
  }

  /** The mark of {@link #tag} on a transaction of a session tagged with {@link #tagSession}, where that does not cover it. */
  void tagTransaction(DSLContext tx) {
    if (!locks.sessionTagCoversTransactions()) {
      tag(tx);
    }
  }

  void untag(DSLContext session) {
    locks.untagSession(session, lease.epoch());
  }

  /**
   * Fails unless the lock is still this runner's; in a transaction, holds the lease row until it ends.
   *
   * @throws LockLostException naming who took the lock, or that it was released by hand
   */
  void check(DSLContext tx) {
    Record row = tx.select(LOCK_EPOCH, LOCK_RUN).from(LOCK).where(LOCK_ID.eq(1)).forUpdate().fetchOne();
    long current = row.get(LOCK_EPOCH);
    if (current != lease.epoch() || !lease.runId().equals(row.get(LOCK_RUN))) {
      throw LockLostException.seen(tx, lease.epoch(), current);
    }
  }
}
