package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;
import static org.jooq.impl.DSL.falseCondition;
import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.inline;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Every checkpoint write, fenced by the writer's lock epoch. A unit of work and its checkpoint share one
 * transaction whose last statement locks the lease row and checks the epoch: a runner that lost its lease
 * rolls back everything it did in that transaction.
 */
public final class CheckpointWriter {
  private final DSLContext dsl;
  private final Lease lease;

  CheckpointWriter(DSLContext dsl, Lease lease) {
    this.dsl = dsl;
    this.lease = lease;
  }

  public String runId() {
    return lease.runId();
  }

  /**
   * Runs {@code work} and the checkpoint writes it makes through this writer in one transaction.
   *
   * @throws LockLostException when the lease was taken over; nothing of the transaction is committed
   */
  public <T> T inTransaction(Function<DSLContext, T> work) {
    return dsl.transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      tag(tx);
      T result = work.apply(tx);
      fence(tx);
      return result;
    });
  }

  /** Marks a step running (creating its row on first start) and counts the attempt. */
  public void started(DSLContext tx, String stepId, String version, String type, String checksum) {
    int updated = tx.update(STEPS)
        .set(STEP_STATE, StepState.RUNNING.label())
        .set(STEP_VERSION, version)
        .set(STEP_TYPE, type)
        .set(STEP_CHECKSUM, checksum)
        .set(STEP_ATTEMPTS, STEP_ATTEMPTS.plus(inline(1)))
        .setNull(STEP_ERROR)
        .set(STEP_RUN, lease.runId())
        .set(STEP_UPDATED, currentLocalDateTime())
        .setNull(STEP_FINISHED)
        .where(STEP_ID.eq(stepId))
        .execute();
    if (updated == 0) {
      tx.insertInto(STEPS)
          .set(STEP_ID, stepId)
          .set(STEP_VERSION, version)
          .set(STEP_TYPE, type)
          .set(STEP_CHECKSUM, checksum)
          .set(STEP_STATE, StepState.RUNNING.label())
          .set(STEP_ROWS, 0L)
          .set(STEP_ATTEMPTS, 1)
          .set(STEP_RUN, lease.runId())
          .set(STEP_STARTED, currentLocalDateTime())
          .set(STEP_UPDATED, currentLocalDateTime())
          .execute();
    }
  }

  /** Records a batch: the new cursor, the rows done so far and the step's counters (JSON, may be null). */
  public void progressed(DSLContext tx, String stepId, String cursor, long rows, String counters) {
    tx.update(STEPS)
        .set(STEP_CURSOR, cursor)
        .set(STEP_ROWS, rows)
        .set(STEP_COUNTERS, counters)
        .set(STEP_UPDATED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId))
        .execute();
  }

  public void finished(DSLContext tx, String stepId, StepState state) {
    tx.update(STEPS)
        .set(STEP_STATE, state.label())
        .set(STEP_UPDATED, currentLocalDateTime())
        .set(STEP_FINISHED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId))
        .execute();
  }

  /** Records a failure in a transaction of its own; the step's last committed cursor stays for the rerun. */
  public void failed(String stepId, String error) {
    inTransaction(tx -> tx.update(STEPS)
        .set(STEP_STATE, StepState.FAILED.label())
        .set(STEP_ERROR, error)
        .set(STEP_UPDATED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId))
        .execute());
  }

  /**
   * A rollback of the step begins: its cursor and rows now count the undo. Resuming an interrupted rollback
   * keeps them.
   */
  public void rollingBack(DSLContext tx, String stepId) {
    tx.update(STEPS)
        .set(STEP_STATE, StepState.ROLLING_BACK.label())
        .setNull(STEP_CURSOR)
        .set(STEP_ROWS, 0L)
        .set(STEP_RUN, lease.runId())
        .set(STEP_UPDATED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId).and(STEP_STATE.ne(StepState.ROLLING_BACK.label())))
        .execute();
  }

  /** After a rollback the step starts from scratch on the next run. */
  public void rolledBack(DSLContext tx, String stepId) {
    tx.update(STEPS)
        .set(STEP_STATE, StepState.ROLLED_BACK.label())
        .setNull(STEP_CURSOR)
        .set(STEP_ROWS, 0L)
        .setNull(STEP_COUNTERS)
        .set(STEP_UPDATED, currentLocalDateTime())
        .set(STEP_FINISHED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId))
        .execute();
  }

  public void recorded(DSLContext tx, HistoryEntry entry) {
    tx.insertInto(HISTORY)
        .set(HISTORY_VERSION, entry.version())
        .set(HISTORY_DESCRIPTION, entry.description())
        .set(HISTORY_SCRIPT, entry.script())
        .set(HISTORY_ACTION, entry.action())
        .set(HISTORY_CHECKSUM, entry.checksum())
        .set(HISTORY_RUN, lease.runId())
        .set(HISTORY_BY, RunLock.host())
        .set(HISTORY_ON, currentLocalDateTime())
        .set(HISTORY_MILLIS, entry.executionMillis())
        .execute();
  }

  /** {@code repair --accept-changed}: the stored checksum becomes the plan's. */
  public void checksumAccepted(DSLContext tx, String stepId, String checksum) {
    tx.update(STEPS).set(STEP_CHECKSUM, checksum).where(STEP_ID.eq(stepId)).execute();
  }

  /** {@code repair --forget-missing}: a step no longer in the plans leaves the engine's tables, row data included. */
  public void forgotten(DSLContext tx, String stepId) {
    tx.deleteFrom(STEPS).where(STEP_ID.eq(stepId)).execute();
    tx.deleteFrom(SNAPSHOTS).where(SNAPSHOT_STEP.eq(stepId)).execute();
    tx.deleteFrom(REJECTS).where(REJECT_STEP.eq(stepId)).execute();
  }

  /**
   * Whether this runner lost the lock, read on the lease's own connection. Asked when a batch fails: a runner
   * cut off by a takeover fails with a broken connection or a duplicate key before its fence can tell, and on
   * H2 the pool may hand the broken connection out again. Empty while the lock is held, or when the lease's
   * connection cannot tell (then the fenced failure record decides).
   */
  public Optional<LockLostException> lostLock() {
    OptionalLong current = lease.currentEpoch();
    if (lease.lost() || (current.isPresent() && current.getAsLong() != lease.epoch())) {
      return Optional.of(new LockLostException(lease.epoch(), current.orElse(lease.epoch() + 1)));
    }
    return Optional.empty();
  }

  /**
   * Marks the transaction as this runner's, first thing, so that a takeover can end it should this runner
   * stall inside it (see RunLock#cutOff): PostgreSQL, a shared advisory lock of this epoch; H2, a lock on
   * hal9_runs, taken by an update of no row (H2 lists table locks per session, nothing finer).
   */
  private void tag(DSLContext tx) {
    if (tx.dialect() == SQLDialect.POSTGRES) {
      tx.select(function("pg_advisory_xact_lock_shared", Object.class, inline(RunLock.BATCH_KEY),
          inline(RunLock.advisoryId(lease.epoch())))).fetch();
    } else {
      tx.update(RUNS).set(RUN_STATE, RUN_STATE).where(falseCondition()).execute();
    }
  }

  private void fence(DSLContext tx) {
    Record row = tx.select(LOCK_EPOCH, LOCK_RUN).from(LOCK).where(LOCK_ID.eq(1)).forUpdate().fetchOne();
    long current = row.get(LOCK_EPOCH);
    if (current != lease.epoch() || !lease.runId().equals(row.get(LOCK_RUN))) {
      throw new LockLostException(lease.epoch(), current);
    }
  }
}
