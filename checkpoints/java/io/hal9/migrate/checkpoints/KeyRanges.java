package io.hal9.migrate.checkpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.impl.DSL;

/**
 * Splits a key space into ranges of about equal row counts: by rank in key order, not by key value, so skewed keys
 * (a dense run, then gaps) and keys of any orderable type split alike. One keyset walk reads the key index once: each
 * bound is the row {@code size} rows after the one before.
 */
public final class KeyRanges {
  private KeyRanges() {}

  /** The table's keys, in the order batches walk them. */
  public record KeySpace(Table<?> table, Condition where, List<? extends Field<?>> keys, List<? extends SortField<?>> order,
      Function<Record, Condition> after, Function<Record, String> text) {}

  /** At most {@code parts} ranges covering every key, the last open-ended (rows added past it still fall in one). */
  public static List<KeyRange> split(DSLContext dsl, KeySpace space, int parts) {
    long count = dsl.fetchCount(space.table(), space.where());
    int n = (int) Math.max(1, Math.min(parts, count));
    long per = count / n;
    long extra = count % n;
    List<KeyRange> ranges = new ArrayList<>(n);
    String lower = null;
    Record last = null;
    long assigned = 0;
    for (int i = 0; i < n - 1; i++) {
      long size = per + (i < extra ? 1 : 0);
      Record bound = dsl.select(space.keys()).from(space.table())
          .where(space.where().and(last == null ? DSL.noCondition() : space.after().apply(last)))
          .orderBy(space.order()).limit(1).offset(size - 1).fetchOne();
      if (bound == null) {
        break; // rows deleted meanwhile: the last range takes the rest
      }
      String upper = space.text().apply(bound);
      ranges.add(new KeyRange(lower, upper, size));
      assigned += size;
      lower = upper;
      last = bound;
    }
    ranges.add(new KeyRange(lower, null, count - assigned));
    return ranges;
  }
}
