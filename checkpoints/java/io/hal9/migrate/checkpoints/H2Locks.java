package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.RUNS;
import static io.hal9.migrate.checkpoints.EngineTables.RUN_STATE;
import static org.jooq.impl.DSL.falseCondition;
import static org.jooq.impl.DSL.inline;

import java.util.List;
import java.util.Locale;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectForUpdateStep;
import org.jooq.SelectForStep;

/**
 * H2 lists table locks per session, nothing finer: a runner's transaction is marked by a lock on hal9_runs (an
 * update of no row), and a session has no mark of its own. There is no session lock to tell that a holder is gone:
 * its lease (or its process, on this host) says so.
 */
final class H2Locks implements LockDialect {

  @Override
  public void tagTransaction(DSLContext tx, long epoch) {
    tx.update(RUNS).set(RUN_STATE, RUN_STATE).where(falseCondition()).execute();
  }

  @Override
  public void tagSession(DSLContext session, long epoch) {}

  @Override
  public void untagSession(DSLContext session, long epoch) {}

  @Override
  public boolean sessionTagCoversTransactions() {
    return false;
  }

  @Override
  public void holdEpoch(DSLContext session, long epoch) {}

  @Override
  public boolean holdEpochAgain(DSLContext session, long epoch) {
    return true;
  }

  @Override
  public void releaseEpoch(DSLContext session, long epoch) {}

  @Override
  public boolean epochSessionGone(DSLContext dsl, long epoch) {
    return false;
  }

  /** H2 has no SKIP LOCKED: a second claimer waits for the first claim's short transaction, then finds the next row. */
  @Override
  public <R extends Record> SelectForStep<R> lockingFree(SelectForUpdateStep<R> select) {
    return select.forUpdate();
  }

  @Override
  public void limitIdleTransaction(DSLContext tx, long seconds) {}

  /**
   * Sessions stalled (idle for a second or more) in an open transaction that holds a lock on hal9_runs: only a runner
   * that lost its lease can be there, since the takeover waits for the lease to run out first.
   */
  @Override
  public void endSessionsOf(DSLContext dsl, long epoch) {
    List<Long> stalled = dsl.resultQuery("SELECT DISTINCT s.session_id FROM information_schema.sessions s"
        + " JOIN information_schema.locks l ON l.session_id = s.session_id WHERE l.table_name = {0}"
        + " AND s.session_id <> SESSION_ID() AND s.contains_uncommitted AND s.session_state = 'SLEEP'"
        + " AND s.sleep_since < CURRENT_TIMESTAMP - INTERVAL '1' SECOND",
        inline(RUNS.getName().toUpperCase(Locale.ROOT))).fetch(0, Long.class);
    for (Long session : stalled) {
      dsl.resultQuery("SELECT ABORT_SESSION({0})", inline(session)).fetch();
    }
  }
}
