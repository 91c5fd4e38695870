package io.hal9.migrate.engine.internal.steps.state;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.values;
import static org.jooq.impl.DSL.when;

import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.internal.steps.JsonColumn;
import io.hal9.migrate.engine.internal.steps.StepTables;
import io.hal9.migrate.engine.spi.Reject;
import io.hal9.migrate.engine.spi.Snapshot;
import io.hal9.migrate.engine.spi.Snapshots;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.tables.Column;
import io.hal9.migrate.engine.spi.tables.ColumnType;
import io.hal9.migrate.engine.spi.tables.Keyset;
import io.hal9.migrate.engine.spi.tables.RowKey;
import io.hal9.migrate.engine.spi.tables.UserTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The user's neuron table as a neuron-state step reads and writes it: keyset batches on its key (any unique,
 * orderable columns, each in its own type), and one set-based statement per batch instead of an UPDATE per row.
 */
final class StateTable {
  private final UserTable user;
  private final Table<Record> table;
  private final Keyset keys;
  private final JsonColumn state;
  private final Field<String> stateText;
  private final Field<Integer> version;
  private final Field<String> layer;
  private final List<Field<String>> extraColumns;
  private final Map<String, Column> extraByName;

  private StateTable(UserTable user, Keyset keys, JsonColumn state, Field<String> stateText, Field<Integer> version,
      Field<String> layer, Map<String, Column> extras) {
    this.user = user;
    this.table = user.table();
    this.keys = keys;
    this.state = state;
    this.stateText = stateText;
    this.version = version;
    this.layer = layer;
    this.extraByName = extras;
    this.extraColumns = extras.values().stream().map(user::text).toList();
  }

  /**
   * Resolves the step's table and columns in the database, reporting each mismatch to {@code tables}; empty when
   * any was found. The layer column is needed when the step writes layers (a layer-map or a transform); a
   * layer-map's {@code from} column is read with each row.
   */
  static Optional<StateTable> resolve(StepDefinition step, List<StateOps.Op> ops, boolean transform, StepTables tables) {
    boolean tracksLayers = transform;
    List<String> extraColumns = new ArrayList<>();
    for (StateOps.Op op : ops) {
      if (op instanceof StateOps.LayerMap map) {
        tracksLayers = true;
        if (map.column() != null && !extraColumns.contains(map.column())) {
          extraColumns.add(map.column());
        }
      }
    }
    Optional<UserTable> found = tables.table("table");
    if (found.isEmpty()) {
      return Optional.empty();
    }
    UserTable user = found.get();
    Optional<Keyset> keys = tables.keyset(user, "key");
    Optional<Column> state = tables.column(user, "state-column", JsonColumn::holdsDocuments,
        "does not hold JSON documents: expected jsonb, json or text");
    Optional<Column> version = tables.column(user, "version-column", c -> c.type() == ColumnType.INTEGER,
        "is not an integer column: the state version is a number");
    Optional<Column> layer = tracksLayers
        ? tables.column(user, "layer-column", c -> c.type().text(), "is not a text column: layers are names such as L2")
        : Optional.empty();
    Map<String, Column> extras = new LinkedHashMap<>();
    for (String name : extraColumns) {
      tables.column(user, "ops", name).ifPresent(c -> extras.put(name, c));
    }
    if (!tables.ok()) {
      return Optional.empty();
    }
    return Optional.of(new StateTable(user, keys.get(), JsonColumn.of(user, state.get()), user.text(state.get()),
        user.field(version.get(), SQLDataType.INTEGER), layer.map(user::text).orElse(null), extras));
  }

  Keyset keys() {
    return keys;
  }

  boolean jsonb() {
    return state.jsonb();
  }

  Table<Record> table() {
    return table;
  }

  /**
   * The next {@code limit} rows after {@code after} (all rows when null). The state of rows at other versions
   * than {@code fromVersion} is not fetched: they are only counted.
   */
  List<StateRow> read(DSLContext dsl, RowKey after, int limit, int fromVersion) {
    List<Field<?>> fields = new ArrayList<>(keys.fields());
    fields.add(version);
    fields.add(when(version.eq(inline(fromVersion)), stateText).as("state_text"));
    if (layer != null) {
      fields.add(layer);
    }
    fields.addAll(extraColumns);
    int first = keys.size();
    return dsl.select(fields)
        .from(table)
        .where(keys.after(after))
        .orderBy(keys.ascending())
        .limit(limit)
        .fetch(r -> {
          Map<String, String> columns = new LinkedHashMap<>();
          int i = 0;
          for (String name : extraByName.keySet()) {
            columns.put(name, r.get(extraColumns.get(i++)));
          }
          return new StateRow(keys.of(r), r.get(first + 1, String.class), r.get(version),
              layer == null ? null : r.get(layer), columns);
        });
  }

  /** One statement for the whole batch: each row gets its new state, {@code toVersion} and (if tracked) layer. */
  void update(DSLContext tx, List<StateRow> rows, List<String> newStates, int toVersion) {
    if (rows.isEmpty()) {
      return;
    }
    List<RowKey> rowKeys = new ArrayList<>(rows.size());
    String[] layers = new String[rows.size()];
    Integer[] versions = new Integer[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      rowKeys.add(rows.get(i).rowKey());
      layers[i] = rows.get(i).layer();
      versions[i] = toVersion;
    }
    write(tx, rowKeys, newStates.toArray(String[]::new), versions, layers);
  }

  /** Writes the snapshots' values back: state, version and (if tracked) layer, exactly as they were. */
  void restore(DSLContext tx, List<Snapshot> snapshots) {
    List<RowKey> rowKeys = new ArrayList<>(snapshots.size());
    String[] states = new String[snapshots.size()];
    Integer[] versions = new Integer[snapshots.size()];
    String[] layers = new String[snapshots.size()];
    for (int i = 0; i < snapshots.size(); i++) {
      NeuronSnapshot before = NeuronSnapshot.parse(snapshots.get(i).before());
      rowKeys.add(keys.parse(snapshots.get(i).key()));
      states[i] = before.state();
      versions[i] = before.version();
      layers[i] = before.layer();
    }
    write(tx, rowKeys, states, versions, layers);
  }

  private void write(DSLContext tx, List<RowKey> rowKeys, String[] states, Integer[] versions, String[] layers) {
    List<Object[]> values = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      Object[] column = new Object[rowKeys.size()];
      for (int i = 0; i < column.length; i++) {
        column[i] = rowKeys.get(i).values().get(k);
      }
      values.add(column);
    }
    List<Field<?>> columns = new ArrayList<>(List.of(state.field(), version));
    values.add(states);
    values.add(versions);
    if (layer != null) {
      columns.add(layer);
      values.add(layers);
    }
    Database.of(tx.dialect()).updateByKey(tx, table, keys.fields(), columns, values);
  }

  /** Where a batch ends: its last key, its rows, and how many of them are at the step's from-version. */
  record Boundary(RowKey lastKey, long rows, long fromRows) {}

  /**
   * The batch after {@code after}: its last key (read in key order, not as max(), which some key types lack) and
   * its counts, from one query over the next {@code limit} keys.
   */
  Boundary boundary(DSLContext dsl, RowKey after, int limit, int fromVersion) {
    List<Field<?>> inner = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      inner.add(keys.fields().get(k).as("k" + k));
    }
    inner.add(version.as("v"));
    Table<?> batch = dsl.select(inner).from(table).where(keys.after(after)).orderBy(keys.ascending()).limit(limit).asTable("b");
    List<Field<?>> outer = new ArrayList<>();
    List<org.jooq.SortField<?>> descending = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      Field<Object> key = field(name("b", "k" + k), keys.fields().get(k).getDataType());
      outer.add(key);
      descending.add(key.desc());
    }
    outer.add(DSL.count().over());
    outer.add(DSL.count().filterWhere(field(name("b", "v"), Integer.class).eq(inline(fromVersion))).over());
    Record r = dsl.select(outer).from(batch).orderBy(descending).limit(1).fetchOne();
    if (r == null) {
      return new Boundary(null, 0, 0);
    }
    return new Boundary(keys.of(r, 0), r.get(keys.size(), Long.class), r.get(keys.size() + 1, Long.class));
  }

  /** The table's key columns equal to the columns k0, k1... of {@code alias}. */
  private Condition joined(String alias) {
    Condition condition = DSL.noCondition();
    for (int k = 0; k < keys.size(); k++) {
      condition = condition.and(keys.fields().get(k).eq(field(name(alias, "k" + k))));
    }
    return condition;
  }

  /** The rows at {@code fromVersion} with keys in (after, last]. */
  private Condition range(RowKey after, RowKey last, int fromVersion) {
    return keys.after(after).and(keys.atMost(last)).and(version.eq(inline(fromVersion)));
  }

  /** The key as a JSON array, computed by PostgreSQL, as snapshots and rejects keep it (see {@link Keyset#parse}). */
  private Field<String> keyJson(List<? extends Field<?>> keyFields) {
    return DSL.function("jsonb_build_array", JSONB.class, keyFields.toArray(Field[]::new)).cast(SQLDataType.VARCHAR);
  }

  /** Snapshots of the range's rows, taken by the database before the update, as {@link NeuronSnapshot} documents. */
  void snapshotInDatabase(DSLContext tx, Snapshots snapshots, RowKey after, RowKey last, int fromVersion) {
    snapshots.save(tx, tx.select(keyJson(keys.fields()), NeuronSnapshot.inDatabase(stateText, version, layer))
        .from(table).where(range(after, last, fromVersion)));
  }

  /** Transforms the range in the database with one UPDATE; returns the rows changed (rejected ones are not). */
  int transformInDatabase(DSLContext tx, StatePushdown pushdown, RowKey after, RowKey last, int fromVersion, int toVersion) {
    Table<?> c = chain(tx, pushdown, after, last, fromVersion);
    int n = pushdown.size();
    Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
    assignments.put(state.field(), field(name(c.getName(), "s" + n), JSONB.class));
    assignments.put(version, inline(toVersion));
    if (layer != null) {
      assignments.put(layer, field(name(c.getName(), "l" + n), String.class));
    }
    // The range on the target too: the chain's row count is opaque to the planner, which would otherwise hash
    // join it against a scan of the whole table (seconds per batch on 10 million rows).
    return tx.update(table).set(assignments).from(c)
        .where(joined(c.getName()).and(field(name(c.getName(), "r" + n)).isNull()).and(range(after, last, fromVersion)))
        .execute();
  }

  /** The range's rows the ops reject, with the reason, in key order. */
  List<Reject> rejectedInDatabase(DSLContext tx, StatePushdown pushdown, RowKey after, RowKey last, int fromVersion) {
    Table<?> c = chain(tx, pushdown, after, last, fromVersion);
    List<Field<Object>> k = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      k.add(field(name(c.getName(), "k" + i)));
    }
    Field<String> reason = field(name(c.getName(), "r" + pushdown.size()), String.class);
    return tx.select(keyJson(k), reason).from(c).where(reason.isNotNull()).orderBy(k)
        .fetch(r -> new Reject(r.value1(), r.value2()));
  }

  /**
   * One subquery per op, each fenced with OFFSET 0 so PostgreSQL computes every stage once per row instead of
   * inlining the whole chain into each reference.
   */
  private Table<?> chain(DSLContext tx, StatePushdown pushdown, RowKey after, RowKey last, int fromVersion) {
    StatePushdown.Stage start = StatePushdown.start(stateText.coerce(JSONB.class), layer == null ? DSL.castNull(String.class) : layer);
    List<Field<?>> first = new ArrayList<>();
    for (int k = 0; k < keys.size(); k++) {
      first.add(keys.fields().get(k).as("k" + k));
    }
    first.addAll(List.of(start.state().as("s0"), start.layer().as("l0"), start.rejection().as("r0")));
    List<String> extras = new ArrayList<>(extraByName.keySet());
    for (int e = 0; e < extras.size(); e++) {
      first.add(extraColumns.get(e).as("c" + e));
    }
    Table<?> stage = tx.select(first).from(table).where(range(after, last, fromVersion)).asTable("p0");
    for (int i = 0; i < pushdown.size(); i++) {
      String p = stage.getName();
      Map<String, Field<String>> columns = new LinkedHashMap<>();
      for (int e = 0; e < extras.size(); e++) {
        columns.put(extras.get(e), field(name(p, "c" + e), String.class));
      }
      StatePushdown.Stage out = pushdown.apply(i, new StatePushdown.Stage(field(name(p, "s" + i), JSONB.class),
          field(name(p, "l" + i), String.class), field(name(p, "r" + i), String.class)), columns);
      List<Field<?>> next = new ArrayList<>();
      for (int k = 0; k < keys.size(); k++) {
        next.add(field(name(p, "k" + k)).as("k" + k));
      }
      next.addAll(List.of(out.state().as("s" + (i + 1)), out.layer().as("l" + (i + 1)), out.rejection().as("r" + (i + 1))));
      for (int e = 0; e < extras.size(); e++) {
        next.add(columns.get(extras.get(e)).as("c" + e));
      }
      stage = tx.select(next).from(stage).offset(inline(0)).asTable("p" + (i + 1));
    }
    return stage;
  }

  List<Snapshot> snapshots(List<StateRow> rows) {
    List<Snapshot> snapshots = new ArrayList<>(rows.size());
    rows.forEach(r -> snapshots.add(new Snapshot(keys.json(r.rowKey()), new NeuronSnapshot(r.oldState, r.oldVersion, r.oldLayer).json())));
    return snapshots;
  }

  String describe(RowKey key) {
    return keys.describe(key);
  }

  UserTable user() {
    return user;
  }
}
