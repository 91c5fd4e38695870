package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.val;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jooq.Condition;
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
import org.jooq.impl.SQLDataType;

/**
 * One data step's per-row records: snapshots (hal9_snapshots) and rejects (hal9_rejects). Writes take the step's
 * batch transaction, so they commit or vanish with the batch and its checkpoint.
 */
public final class RowRecords {
  /** What ends the key of a batch's record of snapshots; a row's own key is a JSON array, ending with ']'. */
  public static final String BATCH = " (batch)";

  private final DSLContext dsl;
  private final String stepId;
  /** The snapshot keys this view reads and removes: all, or one partition's of a rollback. */
  private final Condition range;

  RowRecords(DSLContext dsl, String stepId) {
    this(dsl, stepId, DSL.noCondition());
  }

  private RowRecords(DSLContext dsl, String stepId, Condition range) {
    this.dsl = dsl;
    this.stepId = stepId;
    this.range = range;
  }

  /** The same records, their snapshots limited to the keys in (lower, upper] (null: open), one partition's. */
  public RowRecords within(String lower, String upper) {
    return new RowRecords(dsl, stepId, (lower == null ? DSL.noCondition() : SNAPSHOT_KEY.gt(lower))
        .and(upper == null ? DSL.noCondition() : SNAPSHOT_KEY.le(upper)));
  }

  /** The step's snapshot keys in about equal ranges, for a partitioned rollback. */
  public List<KeyRange> splitSnapshots(int parts) {
    return KeyRanges.split(dsl, new KeyRanges.KeySpace(SNAPSHOTS, SNAPSHOT_STEP.eq(stepId), List.of(SNAPSHOT_KEY),
        List.of(SNAPSHOT_KEY.asc()), r -> SNAPSHOT_KEY.gt(r.get(SNAPSHOT_KEY)), r -> r.get(SNAPSHOT_KEY)), parts);
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
   * The statement that keeps the snapshots of a batch's {@code rows} as one record: a JSON array of {@code [key,
   * before]} pairs, both JSON values the database embeds as they are, filed under {@code batchKey} (unique per
   * batch) with {@link #BATCH} after it. One record instead of one per row spares the primary key an entry per row,
   * most of what a snapshot cost. Not run here: it is part of a step's own statement, a data-modifying CTE reading
   * what the step's UPDATE returned, so a batch changes and snapshots its rows in one pass; no rows, no record.
   */
  public ResultQuery<Record1<String>> snapshotting(Table<?> rows, Field<?> key, Field<?> before, Field<String> batchKey) {
    return DSL.insertInto(SNAPSHOTS, SNAPSHOT_STEP, SNAPSHOT_KEY, SNAPSHOT_BEFORE)
        .select(select(inline(stepId), DSL.concat(batchKey, inline(BATCH)),
                DSL.jsonArrayAgg(DSL.jsonArray(key, before)).cast(SQLDataType.VARCHAR))
            .from(rows)
            .having(DSL.count().gt(inline(0))))
        .returningResult(SNAPSHOT_KEY);
  }

  /**
   * The snapshots after {@code afterKey} (null: the first), as committed, about {@code limit} rows: the row
   * records in key order up to {@code limit} of them, or one batch's record on its own. {@link SnapshotPage#last}
   * is where the next page starts.
   */
  public SnapshotPage snapshots(String afterKey, int limit) {
    Condition after = SNAPSHOT_STEP.eq(stepId).and(range).and(afterKey == null ? DSL.noCondition() : SNAPSHOT_KEY.gt(afterKey));
    // The whole primary key in the order: H2 then reads the first rows off the index instead of sorting every
    // snapshot of the step for each page (a 200,000-row rollback took 8 minutes instead of seconds).
    List<String> keys = dsl.select(SNAPSHOT_KEY).from(SNAPSHOTS).where(after).orderBy(SNAPSHOT_STEP, SNAPSHOT_KEY)
        .limit(limit).fetch(Record1::value1);
    if (keys.isEmpty()) {
      return new SnapshotPage(List.of(), afterKey);
    }
    int end = 1;
    while (!keys.get(0).endsWith(BATCH) && end < keys.size() && !keys.get(end).endsWith(BATCH)) {
      end++;
    }
    String last = keys.get(end - 1);
    List<RowSnapshot> rows = new ArrayList<>();
    dsl.select(SNAPSHOT_KEY, SNAPSHOT_BEFORE).from(SNAPSHOTS).where(after.and(SNAPSHOT_KEY.le(last)))
        .orderBy(SNAPSHOT_STEP, SNAPSHOT_KEY)
        .forEach(r -> {
          if (r.value1().endsWith(BATCH)) {
            for (String pair : JsonArrays.elements(r.value2())) {
              List<String> keyAndBefore = JsonArrays.elements(pair);
              rows.add(new RowSnapshot(keyAndBefore.get(0), keyAndBefore.get(1)));
            }
          } else {
            rows.add(new RowSnapshot(r.value1(), r.value2()));
          }
        });
    return new SnapshotPage(rows, last);
  }

  public void snapshotsRemoved(DSLContext tx, Collection<String> keys) {
    tx.deleteFrom(SNAPSHOTS).where(SNAPSHOT_STEP.eq(stepId).and(SNAPSHOT_KEY.in(keys))).execute();
  }

  /**
   * Removes the snapshots with keys up to {@code lastKey}: after {@link #snapshots} read a page of them, a key
   * range H2 deletes off the primary key (an IN list of keys there scans all the step's snapshots per batch).
   */
  public void snapshotsRemovedThrough(DSLContext tx, String lastKey) {
    tx.deleteFrom(SNAPSHOTS).where(SNAPSHOT_STEP.eq(stepId).and(range).and(SNAPSHOT_KEY.le(lastKey))).execute();
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
