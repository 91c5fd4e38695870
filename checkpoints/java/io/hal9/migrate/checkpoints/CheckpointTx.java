package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;
import static org.jooq.impl.DSL.inline;

import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * One fenced transaction of the lock holder, and the checkpoint transitions it can record: everything written
 * here, and through {@link #dsl()}, commits together, or not at all when the lock was lost.
 */
public final class CheckpointTx {
  private final DSLContext tx;
  private final String runId;
  private final List<Event> events = new ArrayList<>();

  CheckpointTx(DSLContext tx, String runId) {
    this.tx = tx;
    this.runId = runId;
  }

  /** Records {@code event}, committed with the change it reports. */
  public void event(Event event) {
    EventLog.insert(tx, runId, event);
    events.add(event);
  }

  List<Event> events() {
    return events;
  }

  /** The transaction itself, for the unit of work that commits with the checkpoint. */
  public DSLContext dsl() {
    return tx;
  }

  /**
   * Sets the routing HAL9 reads, with a history line per changed value and an event listing them.
   *
   * @param rollback whether it goes back (a trigger, an abort, an undo): a critical event
   * @return the changes; none when the tables hold {@code target} already
   */
  public List<String> routed(RoutingState target, String by, String version, String stepId, String reason, boolean rollback) {
    List<String> changes = RoutingTable.change(tx, target, by, runId, stepId, reason);
    if (!changes.isEmpty() || rollback) {
      event(new Event(rollback ? EventType.ROUTING_ROLLED_BACK : EventType.ROUTING_CHANGED, version, stepId,
          reason + (changes.isEmpty() ? " (no change)" : ": " + String.join(", ", changes))));
    }
    return changes;
  }

  /** Marks a step running (creating its row on first start) and counts the attempt. */
  public void started(String stepId, String version, String type, String checksum) {
    int updated = tx.update(STEPS)
        .set(STEP_STATE, StepState.RUNNING.label())
        .setNull(STEP_HELD)
        .set(STEP_VERSION, version)
        .set(STEP_TYPE, type)
        .set(STEP_CHECKSUM, checksum)
        .set(STEP_ATTEMPTS, STEP_ATTEMPTS.plus(inline(1)))
        .setNull(STEP_ERROR)
        .set(STEP_RUN, runId)
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
          .set(STEP_RUN, runId)
          .set(STEP_STARTED, currentLocalDateTime())
          .set(STEP_UPDATED, currentLocalDateTime())
          .execute();
    }
  }

  /**
   * A committed batch: the cursor to resume after, the rows done so far, the step's counters (JSON, or null) and
   * the rows it expects in all (-1 while it has not counted them).
   */
  public void progressed(String stepId, String cursor, long rows, String counters, long expected) {
    tx.update(STEPS)
        .set(STEP_CURSOR, cursor)
        .set(STEP_ROWS, rows)
        .set(STEP_COUNTERS, counters)
        .set(STEP_EXPECTED, expected < 0 ? null : expected)
        .set(STEP_UPDATED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId))
        .execute();
  }

  /** What the step needs to undo its work (JSON), kept until the step is rolled back; retries leave it as it is. */
  public void undoRecorded(String stepId, String record) {
    tx.update(STEPS).set(STEP_UNDO, record).set(STEP_UPDATED, currentLocalDateTime()).where(STEP_ID.eq(stepId)).execute();
  }

  /** Why the running step holds back before its next batch, or null once it goes on. */
  public void held(String stepId, String reason) {
    tx.update(STEPS).set(STEP_HELD, reason).where(STEP_ID.eq(stepId)).execute();
  }

  public void finished(String stepId) {
    tx.update(STEPS)
        .set(STEP_STATE, StepState.DONE.label())
        .setNull(STEP_HELD)
        .set(STEP_UPDATED, currentLocalDateTime())
        .set(STEP_FINISHED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId))
        .execute();
  }

  /** The step failed; its last committed cursor stays for the rerun. */
  public void failed(String stepId, String error) {
    tx.update(STEPS)
        .set(STEP_STATE, StepState.FAILED.label())
        .set(STEP_ERROR, error)
        .setNull(STEP_HELD)
        .set(STEP_UPDATED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId))
        .execute();
  }

  /**
   * A rollback of the step begins: its cursor and rows now count the undo. Resuming an interrupted rollback keeps
   * them; the counters and undo record stay, for the undo to read.
   */
  public void rollingBack(String stepId) {
    tx.update(STEPS)
        .set(STEP_STATE, StepState.ROLLING_BACK.label())
        .setNull(STEP_CURSOR)
        .set(STEP_ROWS, 0L)
        .set(STEP_RUN, runId)
        .set(STEP_UPDATED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId).and(STEP_STATE.ne(StepState.ROLLING_BACK.label())))
        .execute();
  }

  /**
   * Splits the step into {@code ranges}, partitions 1..n, unclaimed, replacing any it had (an apply's, once its
   * rollback splits it anew).
   */
  public void partitioned(String stepId, boolean undo, List<KeyRange> ranges) {
    tx.deleteFrom(PARTITIONS).where(PART_STEP.eq(stepId)).execute();
    var insert = tx.insertInto(PARTITIONS, PART_STEP, PART_NO, PART_DIRECTION, PART_LOWER, PART_UPPER, PART_STATE, PART_ROWS,
        PART_EXPECTED, PART_EPOCH, PART_CLAIMS, PART_UPDATED);
    for (int i = 0; i < ranges.size(); i++) {
      KeyRange range = ranges.get(i);
      insert = insert.values(DSL.val(stepId), DSL.val(i + 1), DSL.val(undo ? "undo" : "apply"), DSL.val(range.lower()),
          DSL.val(range.upper()), DSL.val(PartitionState.PENDING.label()), DSL.val(0L), DSL.val(range.rows()), DSL.val(0L),
          DSL.val(0), currentLocalDateTime());
    }
    insert.execute();
  }

  /** A partition's committed batch: its cursor, rows and counters so far. */
  public void partitionProgressed(Partition partition, String cursor, long rows, String counters) {
    tx.update(PARTITIONS)
        .set(PART_CURSOR, cursor)
        .set(PART_ROWS, rows)
        .set(PART_COUNTERS, counters)
        .set(PART_UPDATED, currentLocalDateTime())
        .where(PART_STEP.eq(partition.stepId()).and(PART_NO.eq(partition.number())))
        .execute();
  }

  public void partitionDone(Partition partition) {
    tx.update(PARTITIONS)
        .set(PART_STATE, PartitionState.DONE.label())
        .setNull(PART_LEASE_UNTIL)
        .set(PART_UPDATED, currentLocalDateTime())
        .set(PART_FINISHED, currentLocalDateTime())
        .where(PART_STEP.eq(partition.stepId()).and(PART_NO.eq(partition.number())))
        .execute();
  }

  /** After a rollback the step starts from scratch on the next run. */
  public void rolledBack(String stepId) {
    tx.deleteFrom(PARTITIONS).where(PART_STEP.eq(stepId)).execute();
    tx.update(STEPS)
        .set(STEP_STATE, StepState.ROLLED_BACK.label())
        .setNull(STEP_CURSOR)
        .set(STEP_ROWS, 0L)
        .setNull(STEP_COUNTERS)
        .setNull(STEP_UNDO)
        .set(STEP_UPDATED, currentLocalDateTime())
        .set(STEP_FINISHED, currentLocalDateTime())
        .where(STEP_ID.eq(stepId))
        .execute();
  }

  /** A version applied or rolled back, with the run that did it. */
  public void recorded(HistoryAction action, String version, String description, String script, String checksum,
      long millis) {
    tx.insertInto(HISTORY)
        .set(HISTORY_VERSION, version)
        .set(HISTORY_DESCRIPTION, description)
        .set(HISTORY_SCRIPT, script)
        .set(HISTORY_ACTION, action.label())
        .set(HISTORY_CHECKSUM, checksum)
        .set(HISTORY_RUN, runId)
        .set(HISTORY_BY, RunLock.host())
        .set(HISTORY_ON, currentLocalDateTime())
        .set(HISTORY_MILLIS, millis)
        .execute();
  }

  /** The stored checksum becomes the plan's: the edit of an applied step is accepted. */
  public void checksumAccepted(String stepId, String checksum) {
    tx.update(STEPS).set(STEP_CHECKSUM, checksum).where(STEP_ID.eq(stepId)).execute();
  }

  /** A step no longer in the plans leaves the engine's tables, its row data included. */
  public void forgotten(String stepId) {
    tx.deleteFrom(STEPS).where(STEP_ID.eq(stepId)).execute();
    tx.deleteFrom(SNAPSHOTS).where(SNAPSHOT_STEP.eq(stepId)).execute();
    tx.deleteFrom(REJECTS).where(REJECT_STEP.eq(stepId)).execute();
    tx.deleteFrom(PARTITIONS).where(PART_STEP.eq(stepId)).execute();
  }
}
