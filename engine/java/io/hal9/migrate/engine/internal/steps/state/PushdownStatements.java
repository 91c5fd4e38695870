package io.hal9.migrate.engine.internal.steps.state;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;

import io.hal9.migrate.engine.internal.steps.KeyRangeStatement;
import io.hal9.migrate.engine.spi.Reject;
import io.hal9.migrate.engine.spi.Snapshots;
import io.hal9.migrate.engine.spi.tables.Keyset;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.CommonTableExpression;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.ResultQuery;
import org.jooq.SelectLimitStep;
import org.jooq.SortField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The statements of a neuron-state step whose ops PostgreSQL runs itself, each built and rendered once per step
 * (see {@link KeyRangeStatement}): where the next batch ends, the batch's transform (with its snapshots, in the
 * same pass), and, only for a batch with rows the ops reject, the reasons.
 */
final class PushdownStatements {
  private final StateTable table;
  private final Keyset keys;
  private final StatePushdown pushdown;
  private final NeuronStateStep.Settings settings;
  private final KeyRangeStatement boundary;
  private final KeyRangeStatement transform;
  private final KeyRangeStatement rejected;

  /** Where a batch ends: its last key and its rows, at any version. */
  record Boundary(RowKey lastKey, long rows) {}

  /** What a batch's transform did: rows at the step's from-version, and those of them it changed. */
  record Outcome(long fromRows, long migrated) {}

  PushdownStatements(StateTable table, StatePushdown pushdown, NeuronStateStep.Settings settings, Snapshots snapshots) {
    this.table = table;
    this.keys = table.keys();
    this.pushdown = pushdown;
    this.settings = settings;
    this.boundary = new KeyRangeStatement(keys, this::boundary);
    this.transform = new KeyRangeStatement(keys, bounds -> transform(bounds, settings.snapshot() ? snapshots : null));
    this.rejected = new KeyRangeStatement(keys, this::rejected);
  }

  /** The batch after {@code after}, or null when no row is left. */
  Boundary boundary(DSLContext dsl, RowKey after) {
    Record r = boundary.fetch(dsl, after, null).stream().findFirst().orElse(null);
    return r == null ? null : new Boundary(keys.of(r, 0), r.get(keys.size(), Long.class));
  }

  /** Transforms the range's rows at the from-version with one statement, snapshotting those it changes. */
  Outcome transform(DSLContext tx, RowKey after, RowKey last) {
    Record r = transform.fetch(tx, after, last).get(0);
    return new Outcome(r.get(0, Long.class), r.get(1, Long.class));
  }

  /** The range's rows the ops reject, with the reason, in key order. */
  List<Reject> rejected(DSLContext tx, RowKey after, RowKey last) {
    return rejected.fetch(tx, after, last).map(r -> new Reject(r.get(0, String.class), r.get(1, String.class)));
  }

  /**
   * The last key of the next batch (read in key order, not as max(), which some key types lack) and its row count,
   * from the key columns alone: PostgreSQL reads them off the key's index without visiting the table.
   */
  private ResultQuery<?> boundary(KeyRangeStatement.Bounds bounds) {
    List<Field<?>> inner = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      inner.add(keys.fields().get(k).as("k" + k));
    }
    Table<?> batch = select(inner).from(table.table()).where(bounds.after()).orderBy(keys.ascending())
        .limit(inline(settings.batchSize())).asTable("b");
    List<Field<?>> outer = new ArrayList<>();
    List<SortField<?>> descending = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      Field<Object> key = field(name("b", "k" + k), keys.fields().get(k).getDataType());
      outer.add(key);
      descending.add(key.desc());
    }
    outer.add(DSL.count().over());
    return select(outer).from(batch).orderBy(descending).limit(inline(1));
  }

  /**
   * {@code with c as (the chain), u as (update .. from c .. returning), s as (insert the snapshots from u) select
   * count(c), count(u or s)}: one pass over the batch, whose data-modifying parts all see the rows as they were.
   */
  private ResultQuery<?> transform(KeyRangeStatement.Bounds bounds, Snapshots snapshots) {
    CommonTableExpression<?> c = name("c").as(chain(bounds, snapshots != null));
    int n = pushdown.size();
    Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
    assignments.put(table.stateColumn(), field(name("c", "s" + n), JSONB.class));
    assignments.put(table.version(), inline(settings.toVersion()));
    if (table.layer() != null) {
      assignments.put(table.layer(), field(name("c", "l" + n), String.class));
    }
    // The range on the target too: the chain's row count is opaque to the planner, which would otherwise hash
    // join it against a scan of the whole table (seconds per batch on 10 million rows).
    var update = DSL.update(table.table()).set(assignments).from(c)
        .where(joined().and(field(name("c", "r" + n)).isNull()).and(range(bounds)));
    CommonTableExpression<?> u = snapshots == null ? name("u").as(update.returningResult(inline(1)))
        : name("u").as(update.returningResult(field(name("c", "key_json")), field(name("c", "before"))));
    if (snapshots == null) {
      return DSL.with(c).with(u).select(select(DSL.count()).from(c).asField(), select(DSL.count()).from(u).asField());
    }
    // s is read by nobody: PostgreSQL runs a data-modifying CTE to completion all the same.
    CommonTableExpression<?> s = name("s").as(snapshots.saving(u, field(name("u", "key_json"), JSONB.class),
        field(name("u", "before")), keyJson(bounds.last())));
    return DSL.with(c).with(u).with(s).select(select(DSL.count()).from(c).asField(), select(DSL.count()).from(u).asField());
  }

  private ResultQuery<?> rejected(KeyRangeStatement.Bounds bounds) {
    Table<?> c = chain(bounds, false).asTable("c");
    List<Field<Object>> k = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      k.add(field(name("c", "k" + i)));
    }
    Field<String> reason = field(name("c", "r" + pushdown.size()), String.class);
    return select(keyJson(k), reason).from(c).where(reason.isNotNull()).orderBy(k);
  }

  /** The table's key columns equal to the columns k0, k1... of the chain. */
  private Condition joined() {
    Condition condition = DSL.noCondition();
    for (int k = 0; k < keys.size(); k++) {
      condition = condition.and(keys.fields().get(k).eq(field(name("c", "k" + k))));
    }
    return condition;
  }

  /** The rows at the from-version with keys in the range. */
  private Condition range(KeyRangeStatement.Bounds bounds) {
    return bounds.after().and(bounds.atMost()).and(table.version().eq(inline(settings.fromVersion())));
  }

  /** The key as a JSON array, computed by PostgreSQL, as snapshots and rejects keep it (see {@link Keyset#parse}). */
  private static Field<String> keyJson(List<? extends Field<?>> keyFields) {
    return DSL.function("jsonb_build_array", JSONB.class, keyFields.toArray(Field[]::new)).cast(SQLDataType.VARCHAR);
  }

  /**
   * One subquery per op, each fenced with OFFSET 0 so PostgreSQL computes every stage once per row instead of
   * inlining the whole chain into each reference. With {@code snapshot}, the rows' keys and their values before
   * the ops ({@link NeuronSnapshot}s), as JSON, ride along.
   */
  private SelectLimitStep<Record> chain(KeyRangeStatement.Bounds bounds, boolean snapshot) {
    Field<String> layer = table.layer();
    StatePushdown.Stage start = StatePushdown.start(table.stateText().coerce(JSONB.class),
        layer == null ? DSL.castNull(String.class) : layer);
    List<Field<?>> carried = new ArrayList<>();
    List<Field<?>> first = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      first.add(keys.fields().get(k).as("k" + k));
      carried.add(field(name("k" + k)));
    }
    if (snapshot) {
      first.add(DSL.function("jsonb_build_array", JSONB.class, keys.fields().toArray(Field[]::new)).as("key_json"));
      first.add(NeuronSnapshot.inDatabase(table.stateColumn(), table.version(), layer).as("before"));
      carried.addAll(List.of(field(name("key_json")), field(name("before"))));
    }
    first.addAll(List.of(start.state().as("s0"), start.layer().as("l0"), start.rejection().as("r0")));
    Map<String, Field<String>> extraColumns = table.extraColumns();
    List<String> extras = new ArrayList<>(extraColumns.keySet());
    for (int e = 0; e < extras.size(); e++) {
      first.add(extraColumns.get(extras.get(e)).as("c" + e));
    }
    SelectLimitStep<Record> stage = select(first).from(table.table()).where(range(bounds));
    // Pending top-level fields ride along as columns f0, f1... numbered as they first appear.
    List<String> pendingNames = new ArrayList<>();
    Map<String, Field<JSONB>> pending = Map.of();
    for (int i = 0; i < pushdown.size(); i++) {
      String p = "p" + i;
      Map<String, Field<String>> columns = new LinkedHashMap<>();
      for (int e = 0; e < extras.size(); e++) {
        columns.put(extras.get(e), field(name(p, "c" + e), String.class));
      }
      Map<String, Field<JSONB>> in = new LinkedHashMap<>();
      for (String field : pending.keySet()) {
        in.put(field, field(name(p, "f" + pendingNames.indexOf(field)), JSONB.class));
      }
      StatePushdown.Stage out = pushdown.apply(i, new StatePushdown.Stage(field(name(p, "s" + i), JSONB.class),
          field(name(p, "l" + i), String.class), field(name(p, "r" + i), String.class), in), columns);
      List<Field<?>> next = new ArrayList<>();
      for (Field<?> f : carried) {
        next.add(field(name(p, f.getName())).as(f.getName()));
      }
      next.addAll(List.of(out.state().as("s" + (i + 1)), out.layer().as("l" + (i + 1)), out.rejection().as("r" + (i + 1))));
      for (int e = 0; e < extras.size(); e++) {
        next.add(columns.get(extras.get(e)).as("c" + e));
      }
      for (Map.Entry<String, Field<JSONB>> field : out.pending().entrySet()) {
        if (!pendingNames.contains(field.getKey())) {
          pendingNames.add(field.getKey());
        }
        next.add(field.getValue().as("f" + pendingNames.indexOf(field.getKey())));
      }
      pending = out.pending();
      stage = select(next).from(stage.offset(inline(0)).asTable(p));
    }
    return stage;
  }
}
