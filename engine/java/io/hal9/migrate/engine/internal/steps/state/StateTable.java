package io.hal9.migrate.engine.internal.steps.state;

import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.when;

import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.internal.steps.JsonColumn;
import io.hal9.migrate.engine.internal.steps.StepTables;
import io.hal9.migrate.engine.spi.Snapshot;
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
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The user's neuron table as a neuron-state step reads and writes it: keyset batches on its key (any unique,
 * orderable columns, each in its own type), and one set-based statement per batch instead of an UPDATE per row.
 * What the database does itself when it runs the ops is in {@link PushdownStatements}.
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

  /** The state column as written: its values are the documents in the column's own type. */
  Field<Object> stateColumn() {
    return state.field();
  }

  Field<String> stateText() {
    return stateText;
  }

  Field<Integer> version() {
    return version;
  }

  /** The layer column, or null when the step does not track layers. */
  Field<String> layer() {
    return layer;
  }

  /** The other columns the ops read (a layer-map's {@code from}), by name, as text. */
  Map<String, Field<String>> extraColumns() {
    Map<String, Field<String>> columns = new LinkedHashMap<>();
    int i = 0;
    for (String name : extraByName.keySet()) {
      columns.put(name, extraColumns.get(i++));
    }
    return columns;
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
