package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.val;

import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStep3;
import org.jooq.InsertValuesStep4;
import org.jooq.Record1;
import org.jooq.Record2;
import org.jooq.Record;
import org.jooq.ResultQuery;
import org.jooq.Select;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * One data step's per-row records: snapshots (hal9_snapshots) and rejects (hal9_rejects). Writes take the step's
 * batch transaction, so they commit or vanish with the batch and its checkpoint.
 */
public final class RowRecords {
  private final DSLContext dsl;
  private final String stepId;

  RowRecords(DSLContext dsl, String stepId) {
    this.dsl = dsl;
    this.stepId = stepId;
  }

  public void snapshotted(DSLContext tx, List<RowSnapshot> rows) {
    if (rows.isEmpty()) {
      return;
    }
    InsertValuesStep3<Record, String, String, String> insert = tx.insertInto(SNAPSHOTS, SNAPSHOT_STEP, SNAPSHOT_KEY, SNAPSHOT_BEFORE);
    for (RowSnapshot row : rows) {
      insert = insert.values(stepId, row.key(), row.before());
    }
    insert.execute();
  }

  /** Snapshots taken inside the database: {@code rows} selects each row's key and before-value, as text. */
  public void snapshotted(DSLContext tx, Select<? extends Record2<String, String>> rows) {
    tx.insertInto(SNAPSHOTS, SNAPSHOT_STEP, SNAPSHOT_KEY, SNAPSHOT_BEFORE)
        .select(select(inline(stepId), field(name("r", "k"), String.class), field(name("r", "b"), String.class))
            .from(rows.asTable("r", "k", "b")))
        .execute();
  }

  /**
   * The statement that keeps the snapshots {@code rows} holds ({@code key} and {@code before} as text), returning
   * their keys. Not run here: it is part of a step's own statement, a data-modifying CTE that reads what the step's
   * UPDATE returned, so a batch changes and snapshots its rows in one pass.
   */
  public ResultQuery<Record1<String>> snapshotting(Table<?> rows, Field<String> key, Field<String> before) {
    return DSL.insertInto(SNAPSHOTS, SNAPSHOT_STEP, SNAPSHOT_KEY, SNAPSHOT_BEFORE)
        .select(select(inline(stepId), key, before).from(rows))
        .returningResult(SNAPSHOT_KEY);
  }

  /** Up to {@code limit} snapshots in key order after {@code afterKey} (null: the first); rollback restores them. */
  public List<RowSnapshot> snapshots(String afterKey, int limit) {
    return dsl.select(SNAPSHOT_KEY, SNAPSHOT_BEFORE)
        .from(SNAPSHOTS)
        .where(SNAPSHOT_STEP.eq(stepId).and(afterKey == null ? DSL.noCondition() : SNAPSHOT_KEY.gt(afterKey)))
        // The whole primary key: H2 then reads the first rows off the index instead of sorting every snapshot
        // of the step for each batch (a 200,000-row rollback took 8 minutes instead of seconds).
        .orderBy(SNAPSHOT_STEP, SNAPSHOT_KEY)
        .limit(limit)
        .fetch(r -> new RowSnapshot(r.value1(), r.value2()));
  }

  public void snapshotsRemoved(DSLContext tx, Collection<String> keys) {
    tx.deleteFrom(SNAPSHOTS).where(SNAPSHOT_STEP.eq(stepId).and(SNAPSHOT_KEY.in(keys))).execute();
  }

  /**
   * Removes the snapshots with keys up to {@code lastKey}: after {@link #firstSnapshots} read the first ones, a key
   * range H2 deletes off the primary key (an IN list of keys there scans all the step's snapshots per batch).
   */
  public void snapshotsRemovedThrough(DSLContext tx, String lastKey) {
    tx.deleteFrom(SNAPSHOTS).where(SNAPSHOT_STEP.eq(stepId).and(SNAPSHOT_KEY.le(lastKey))).execute();
  }

  public void rejected(DSLContext tx, List<RowReject> rows) {
    if (rows.isEmpty()) {
      return;
    }
    InsertValuesStep4<Record, String, String, String, LocalDateTime> insert =
        tx.insertInto(REJECTS, REJECT_STEP, REJECT_KEY, REJECT_REASON, REJECT_ON);
    for (RowReject row : rows) {
      insert = insert.values(val(stepId), val(row.key()), val(row.reason()), currentLocalDateTime());
    }
    insert.execute();
  }

  public void rejectsCleared(DSLContext tx) {
    tx.deleteFrom(REJECTS).where(REJECT_STEP.eq(stepId)).execute();
  }
}
