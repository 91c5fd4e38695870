package io.hal9.migrate.checkpoints;

import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.inline;

import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectForUpdateStep;
import org.jooq.SelectForStep;

/**
 * PostgreSQL: advisory locks named after the epoch. The lease's session holds it exclusively for its life; every
 * checkpoint transaction, and every fenced session, holds it shared under a second key, so a takeover finds them
 * all in pg_locks.
 */
final class PostgresLocks implements LockDialect {
  static final int LEASE_KEY = 0x4841_4c39; // "HAL9"
  static final int BATCH_KEY = 0x4841_4c3a;

  @Override
  public void tagTransaction(DSLContext tx, long epoch) {
    call(tx, "pg_advisory_xact_lock_shared", BATCH_KEY, epoch);
  }

  @Override
  public void tagSession(DSLContext session, long epoch) {
    call(session, "pg_advisory_lock_shared", BATCH_KEY, epoch);
  }

  @Override
  public void untagSession(DSLContext session, long epoch) {
    call(session, "pg_advisory_unlock_shared", BATCH_KEY, epoch);
  }

  @Override
  public boolean sessionTagCoversTransactions() {
    return true;
  }

  @Override
  public void holdEpoch(DSLContext session, long epoch) {
    call(session, "pg_advisory_lock", LEASE_KEY, epoch);
  }

  @Override
  public boolean holdEpochAgain(DSLContext session, long epoch) {
    return Boolean.TRUE.equals(session.select(lock("pg_try_advisory_lock", LEASE_KEY, epoch)).fetchOne(0, Boolean.class));
  }

  @Override
  public void releaseEpoch(DSLContext session, long epoch) {
    call(session, "pg_advisory_unlock", LEASE_KEY, epoch);
  }

  /** Taking the epoch's lease lock for a moment to see. */
  @Override
  public boolean epochSessionGone(DSLContext dsl, long epoch) {
    if (holdEpochAgain(dsl, epoch)) {
      releaseEpoch(dsl, epoch);
      return true;
    }
    return false;
  }

  /** The sessions holding the epoch's advisory locks: its lease and its checkpoint transactions. */
  @Override
  public void endSessionsOf(DSLContext dsl, long epoch) {
    dsl.resultQuery("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        + " AND classid IN ({0}, {1}) AND objid = {2} AND objsubid = 2 AND pid <> pg_backend_pid()",
        inline(LEASE_KEY), inline(BATCH_KEY), inline(id(epoch))).fetch();
  }

  @Override
  public <R extends Record> SelectForStep<R> lockingFree(SelectForUpdateStep<R> select) {
    return select.forUpdate().skipLocked();
  }

  @Override
  public void limitIdleTransaction(DSLContext tx, long seconds) {
    tx.select(function("set_config", String.class, inline("idle_in_transaction_session_timeout"),
        inline(seconds * 1000 + "ms"), inline(true))).fetch();
  }

  /** Most of these functions return void: read as Object, not converted. */
  private static void call(DSLContext on, String function, int key, long epoch) {
    on.select(function(function, Object.class, inline(key), inline(id(epoch)))).fetch();
  }

  private static Field<Boolean> lock(String function, int key, long epoch) {
    return function(function, Boolean.class, inline(key), inline(id(epoch)));
  }

  /** Advisory lock ids are 32-bit. */
  private static int id(long epoch) {
    return (int) (epoch & 0x7fff_ffff);
  }
}
