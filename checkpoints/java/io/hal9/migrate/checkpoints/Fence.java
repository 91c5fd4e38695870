package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.falseCondition;
import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.inline;

import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;

/**
 * The lease's hold on every write of its runner. A transaction is tagged first (so a takeover can end it should
 * its runner stall inside it, see {@link RunLock}) and checked last: it locks the lease row and fails unless the
 * lock's epoch and run are still this runner's, so a runner that lost its lease commits nothing more.
 */
final class Fence {
  private final Lease lease;

  Fence(Lease lease) {
    this.lease = lease;
  }

  Lease lease() {
    return lease;
  }

  /**
   * Marks {@code tx} as this runner's, first thing. PostgreSQL: a shared advisory lock of this epoch, held to the
   * end of the transaction; H2: a lock on hal9_runs, taken by an update of no row (H2 lists table locks per session,
   * nothing finer).
   */
  void tag(DSLContext tx) {
    if (tx.dialect() == SQLDialect.POSTGRES) {
      tx.select(function("pg_advisory_xact_lock_shared", Object.class, inline(RunLock.BATCH_KEY),
          inline(RunLock.advisoryId(lease.epoch())))).fetch();
    } else {
      tx.update(RUNS).set(RUN_STATE, RUN_STATE).where(falseCondition()).execute();
    }
  }

  /** The same mark on a whole session (a connection writing outside transactions), until {@link #untag}. */
  void tagSession(DSLContext session) {
    if (session.dialect() == SQLDialect.POSTGRES) {
      session.select(function("pg_advisory_lock_shared", Object.class, inline(RunLock.BATCH_KEY),
          inline(RunLock.advisoryId(lease.epoch())))).fetch();
    }
  }

  /**
   * The mark of {@link #tag} on a transaction of a connection tagged with {@link #tagSession}, where the session's
   * mark does not exist: on H2. PostgreSQL's session mark already covers its transactions.
   */
  void tagTransaction(DSLContext tx) {
    if (tx.dialect() != SQLDialect.POSTGRES) {
      tag(tx);
    }
  }

  void untag(DSLContext session) {
    if (session.dialect() == SQLDialect.POSTGRES) {
      session.select(function("pg_advisory_unlock_shared", Boolean.class, inline(RunLock.BATCH_KEY),
          inline(RunLock.advisoryId(lease.epoch())))).fetch();
    }
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
