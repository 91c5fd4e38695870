package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;
import static org.jooq.impl.DSL.val;

import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep4;
import org.jooq.InsertValuesStep5;
import org.jooq.Record;
import org.jooq.Record5;
import org.jooq.Select;

/**
 * Per-row records of data steps: snapshots (hal9_snapshots) and rejects (hal9_rejects). Writes take the
 * step's batch transaction, so they commit or vanish with the batch and its checkpoint.
 */
public final class RowData {
  private RowData() {}

  public static void snapshotted(DSLContext tx, String stepId, List<RowSnapshot> rows) {
    if (rows.isEmpty()) {
      return;
    }
    InsertValuesStep5<Record, String, String, String, Integer, String> insert =
        tx.insertInto(SNAPSHOTS, SNAPSHOT_STEP, SNAPSHOT_KEY, SNAPSHOT_STATE, SNAPSHOT_VERSION, SNAPSHOT_LAYER);
    for (RowSnapshot row : rows) {
      insert = insert.values(stepId, row.key(), row.state(), row.version(), row.layer());
    }
    insert.execute();
  }

  /**
   * Snapshots taken inside the database: {@code rows} selects (step id, key, state, version, layer) as text,
   * text, text, integer, text from the user's table, before the statement that changes them.
   */
  public static void snapshotted(DSLContext tx, Select<? extends Record5<String, String, String, Integer, String>> rows) {
    tx.insertInto(SNAPSHOTS, SNAPSHOT_STEP, SNAPSHOT_KEY, SNAPSHOT_STATE, SNAPSHOT_VERSION, SNAPSHOT_LAYER).select(rows).execute();
  }

  /** Up to {@code limit} snapshots of the step; rollback restores them and then removes them. */
  public static List<RowSnapshot> snapshots(DSLContext dsl, String stepId, int limit) {
    return dsl.select(SNAPSHOT_KEY, SNAPSHOT_STATE, SNAPSHOT_VERSION, SNAPSHOT_LAYER)
        .from(SNAPSHOTS)
        .where(SNAPSHOT_STEP.eq(stepId))
        // The whole primary key: H2 then reads the first rows off the index instead of sorting every snapshot
        // of the step for each batch (a 200,000-row rollback took 8 minutes instead of seconds).
        .orderBy(SNAPSHOT_STEP, SNAPSHOT_KEY)
        .limit(limit)
        .fetch(r -> new RowSnapshot(r.value1(), r.value2(), r.value3(), r.value4()));
  }

  public static void snapshotsRemoved(DSLContext tx, String stepId, Collection<String> keys) {
    tx.deleteFrom(SNAPSHOTS).where(SNAPSHOT_STEP.eq(stepId).and(SNAPSHOT_KEY.in(keys))).execute();
  }

  /**
   * Removes the step's snapshots with keys up to {@code lastKey}: after {@link #snapshots} read the first ones, a
   * key range H2 deletes off the primary key (an IN list of keys there scans all the step's snapshots per batch).
   */
  public static void snapshotsRemovedThrough(DSLContext tx, String stepId, String lastKey) {
    tx.deleteFrom(SNAPSHOTS).where(SNAPSHOT_STEP.eq(stepId).and(SNAPSHOT_KEY.le(lastKey))).execute();
  }

  public static void rejected(DSLContext tx, String stepId, List<String[]> keysAndReasons) {
    if (keysAndReasons.isEmpty()) {
      return;
    }
    InsertValuesStep4<Record, String, String, String, LocalDateTime> insert =
        tx.insertInto(REJECTS, REJECT_STEP, REJECT_KEY, REJECT_REASON, REJECT_ON);
    for (String[] row : keysAndReasons) {
      insert = insert.values(val(stepId), val(row[0]), val(row[1]), currentLocalDateTime());
    }
    insert.execute();
  }

  public static void rejectsCleared(DSLContext tx, String stepId) {
    tx.deleteFrom(REJECTS).where(REJECT_STEP.eq(stepId)).execute();
  }
}
