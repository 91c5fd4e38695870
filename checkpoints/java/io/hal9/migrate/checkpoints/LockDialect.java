package io.hal9.migrate.checkpoints;

import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectForUpdateStep;
import org.jooq.SelectForStep;

/**
 * What the run lock does differently on each database: how a runner's transactions and sessions are marked as
 * belonging to its epoch, how a lease's session keeps the epoch, and how a takeover ends a stalled runner's sessions.
 * The lease row, the fence and the heartbeat are the same everywhere.
 */
public interface LockDialect {
  /** Session advisory locks: a holder's session is known to be gone the moment it is. */
  LockDialect POSTGRES = new PostgresLocks();
  /** Table locks only: a stalled holder is found by its open transactions, its death by its lease. */
  LockDialect H2 = new H2Locks();

  /** Marks {@code tx} as the runner's of {@code epoch}, first thing, until it ends. */
  void tagTransaction(DSLContext tx, long epoch);

  /** The same mark on a whole session (a connection used outside the engine's transactions), until {@link #untagSession}. */
  void tagSession(DSLContext session, long epoch);

  void untagSession(DSLContext session, long epoch);

  /** Whether a session's mark covers its transactions; where it does not, each transaction is tagged too. */
  boolean sessionTagCoversTransactions();

  /** Has the lease's session hold {@code epoch} for as long as it lives (taken in the transaction that acquires it). */
  void holdEpoch(DSLContext session, long epoch);

  /** The same from a new session, after the lease's broke; false while an old session of the epoch still holds it. */
  boolean holdEpochAgain(DSLContext session, long epoch);

  void releaseEpoch(DSLContext session, long epoch);

  /** Whether no session holds {@code epoch} any more; false where the database cannot tell. */
  boolean epochSessionGone(DSLContext dsl, long epoch);

  /**
   * Ends the sessions of the runner of {@code epoch} (rolling back their open transactions), best effort: without
   * the right to, the takeover still fences the runner, but may wait until it wakes up.
   */
  void endSessionsOf(DSLContext dsl, long epoch);

  /**
   * {@code select} locking the rows it returns, passing over rows another transaction holds where the database can
   * (PostgreSQL's SKIP LOCKED): workers claiming partitions at once each get another one instead of queueing.
   */
  <R extends Record> SelectForStep<R> lockingFree(SelectForUpdateStep<R> select);

  /**
   * Has the database end {@code tx}'s session should it sit idle inside the transaction longer than {@code seconds}:
   * a worker stopped (SIGSTOP, a frozen pod) in a partition's batch would otherwise hold its rows locked against
   * whoever takes the partition over. Where the database has no such limit, the new owner waits for the old one.
   */
  void limitIdleTransaction(DSLContext tx, long seconds);
}
