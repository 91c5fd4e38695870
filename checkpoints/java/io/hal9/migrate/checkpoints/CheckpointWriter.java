package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;
import static org.jooq.impl.DSL.inline;

import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every checkpoint write, fenced by the writer's lock epoch. A unit of work and its checkpoint share one
 * transaction whose last statement locks the lease row and checks the epoch: a runner that lost its lease
 * rolls back everything it did in that transaction.
 */
public final class CheckpointWriter {
  private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);
  /** Attempts to record a failure, each on a fresh connection: the one that failed may be broken. */
  private static final int FAILURE_ATTEMPTS = 5;

  private final DSLContext dsl;
  private final Lease lease;
  private final Fence fence;
  private final DataSource fenced;

  CheckpointWriter(DataSource dataSource, DSLContext dsl, Lease lease) {
    this.dsl = dsl;
    this.lease = lease;
    this.fence = new Fence(lease);
    this.fenced = new FencedDataSource(dataSource, fence);
  }

  /**
   * Connections for a step's writes outside {@link #inTransaction} (Flyway's migrations, statements that cannot run
   * in a transaction): each commit, and each statement in autocommit mode, fails once the lock is lost.
   */
  public DataSource fencedDataSource() {
    return fenced;
  }

  /**
   * Runs {@code work} and the checkpoint writes it makes through this writer in one transaction.
   *
   * @throws LockLostException when the lease was taken over; nothing of the transaction is committed
   */
  public <T> T inTransaction(Function<DSLContext, T> work) {
    return dsl.transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      fence.tag(tx);
      T result = work.apply(tx);
      fence.check(tx);
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

  /**
   * Records a failure in a transaction of its own; the step's last committed cursor stays for the rerun. The
   * failure may be the database's, its connections cut (a restart, {@code pg_terminate_backend}): each attempt takes
   * a fresh connection from the pool, which drops broken ones, and the attempts back off over a few seconds.
   *
   * @throws LockLostException when the lock turns out to be lost: the record is fenced like any write
   * @throws RuntimeException the last attempt's failure, when none got through
   */
  public void failed(String stepId, String error) {
    failed(stepId, error, tx -> {});
  }

  /** Like {@link #failed(String, String)}, writing {@code first} (the step's started mark) first in the same transaction. */
  public void failed(String stepId, String error, java.util.function.Consumer<DSLContext> first) {
    long backoff = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        inTransaction(tx -> {
          first.accept(tx);
          return tx.update(STEPS)
              .set(STEP_STATE, StepState.FAILED.label())
              .set(STEP_ERROR, error)
              .set(STEP_UPDATED, currentLocalDateTime())
              .where(STEP_ID.eq(stepId))
              .execute();
        });
        return;
      } catch (LockLostException e) {
        throw e;
      } catch (RuntimeException e) {
        if (attempt == FAILURE_ATTEMPTS) {
          throw e;
        }
        log.warn("recording the failure of step {} failed (attempt {} of {}), trying again: {}", stepId, attempt,
            FAILURE_ATTEMPTS, e.getMessage());
        Sleep.millis(backoff);
        backoff *= 3;
      }
    }
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
    Optional<LockLostException> lost = lease.lostTo();
    if (lost.isEmpty() && lease.lost()) {
      return Optional.of(LockLostException.noticed(lease.epoch()));
    }
    return lost;
  }
}
