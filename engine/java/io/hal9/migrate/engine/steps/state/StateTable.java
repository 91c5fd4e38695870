package io.hal9.migrate.engine.steps.state;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.unquotedName;
import static org.jooq.impl.DSL.values;
import static org.jooq.impl.DSL.when;

import io.hal9.migrate.checkpoints.RowData;
import io.hal9.migrate.checkpoints.RowSnapshot;
import io.hal9.migrate.engine.steps.JsonColumn;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.Row4;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The user's neuron table as a neuron-state step reads and writes it: keyset batches on its key, and one
 * set-based statement per batch instead of an UPDATE per row.
 */
final class StateTable {
  private final Table<Record> table;
  private final Field<Object> key;
  private final boolean numericKey;
  private final JsonColumn state;
  private final Field<String> stateText;
  private final Field<Integer> version;
  private final Field<String> layer;
  private final List<Field<String>> extraColumns;

  private StateTable(Table<Record> table, Field<Object> key, boolean numericKey, JsonColumn state, Field<String> stateText,
      Field<Integer> version, Field<String> layer, List<Field<String>> extraColumns) {
    this.table = table;
    this.key = key;
    this.numericKey = numericKey;
    this.state = state;
    this.stateText = stateText;
    this.version = version;
    this.layer = layer;
    this.extraColumns = extraColumns;
  }

  /**
   * @param layerColumn null when the step never changes layers
   * @param extraColumns columns ops read (layer-map's {@code from})
   */
  @SuppressWarnings("unchecked")
  static StateTable of(DSLContext dsl, String tableName, String keyColumn, String stateColumn, String versionColumn,
      String layerColumn, List<String> extraColumns) {
    Table<Record> table = table(unquotedName(tableName));
    boolean numericKey = numeric(dsl, table, keyColumn);
    DataType<?> keyType = numericKey ? SQLDataType.BIGINT : SQLDataType.VARCHAR;
    List<Field<String>> extras = new ArrayList<>();
    extraColumns.forEach(c -> extras.add(column(table, c, SQLDataType.VARCHAR)));
    return new StateTable(table, column(table, keyColumn, (DataType<Object>) keyType), numericKey,
        JsonColumn.of(dsl, table, stateColumn), column(table, stateColumn, SQLDataType.VARCHAR),
        column(table, versionColumn, SQLDataType.INTEGER),
        layerColumn == null ? null : column(table, layerColumn, SQLDataType.VARCHAR), extras);
  }

  boolean jsonb() {
    return state.jsonb();
  }

  /** The key as stored in a cursor, typed for comparison. */
  Object key(String cursor) {
    return numericKey ? (Object) Long.valueOf(cursor) : cursor;
  }

  /**
   * The next {@code limit} rows after {@code after} (all rows when null). The state of rows at other versions
   * than {@code fromVersion} is not fetched: they are only counted.
   */
  List<StateRow> read(DSLContext dsl, Object after, int limit, int fromVersion) {
    List<Field<?>> fields = new ArrayList<>(List.of(key, version, when(version.eq(inline(fromVersion)), stateText).as("state_text")));
    if (layer != null) {
      fields.add(layer);
    }
    fields.addAll(extraColumns);
    return dsl.select(fields)
        .from(table)
        .where(after == null ? DSL.noCondition() : key.gt(after))
        .orderBy(key)
        .limit(limit)
        .fetch(r -> {
          Map<String, String> columns = new LinkedHashMap<>();
          extraColumns.forEach(c -> columns.put(c.getName(), r.get(c)));
          return new StateRow(r.get(0), r.get(2, String.class), r.get(version), layer == null ? null : r.get(layer), columns);
        });
  }

  /** One statement for the whole batch: each row gets its new state, {@code toVersion} and (if tracked) layer. */
  void update(DSLContext tx, List<StateRow> rows, List<String> newStates, int toVersion) {
    if (rows.isEmpty()) {
      return;
    }
    Object[] keys = new Object[rows.size()];
    String[] layers = new String[rows.size()];
    Integer[] versions = new Integer[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      keys[i] = rows.get(i).key;
      layers[i] = rows.get(i).layer();
      versions[i] = toVersion;
    }
    write(tx, keys, newStates.toArray(String[]::new), versions, layers);
  }

  /** Writes the snapshots' values back: state, version and (if tracked) layer, exactly as they were. */
  void restore(DSLContext tx, List<RowSnapshot> snapshots) {
    Object[] keys = new Object[snapshots.size()];
    String[] states = new String[snapshots.size()];
    Integer[] versions = new Integer[snapshots.size()];
    String[] layers = new String[snapshots.size()];
    for (int i = 0; i < snapshots.size(); i++) {
      RowSnapshot s = snapshots.get(i);
      keys[i] = key(s.key());
      states[i] = s.state();
      versions[i] = s.version();
      layers[i] = s.layer();
    }
    write(tx, keys, states, versions, layers);
  }

  /**
   * PostgreSQL: UPDATE .. FROM unnest(four arrays), four bind values however large the batch. H2: MERGE
   * from a VALUES list (H2 has no UPDATE .. FROM, and binds JSON its own way).
   */
  private void write(DSLContext tx, Object[] keys, String[] states, Integer[] versions, String[] layers) {
    Table<?> v;
    Field<?> newState;
    if (tx.dialect() == SQLDialect.POSTGRES) {
      Object typedKeys = numericKey ? Arrays.stream(keys).map(k -> (Long) k).toArray(Long[]::new)
          : Arrays.stream(keys).map(String::valueOf).toArray(String[]::new);
      v = DSL.table("unnest({0}, {1}, {2}, {3})", DSL.val(typedKeys), DSL.val(states), DSL.val(versions), DSL.val(layers))
          .as("v", "k", "s", "ver", "l");
      newState = field(unquotedName("v", "s")).cast(state.field().getDataType());
    } else {
      List<Row4<Object, Object, Integer, String>> rows = new ArrayList<>(keys.length);
      for (int i = 0; i < keys.length; i++) {
        rows.add(row(DSL.val(keys[i], key.getDataType()), DSL.val(state.value(states[i]), state.field().getDataType()),
            DSL.val(versions[i]), DSL.val(layers[i])));
      }
      v = values(rows.toArray(Row4[]::new)).as("v", "k", "s", "ver", "l");
      newState = field(unquotedName("v", "s"));
    }
    Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
    assignments.put(state.field(), newState);
    assignments.put(version, field(unquotedName("v", "ver"), Integer.class));
    if (layer != null) {
      assignments.put(layer, field(unquotedName("v", "l"), String.class));
    }
    Field<Object> k = field(unquotedName("v", "k"));
    if (tx.dialect() == SQLDialect.POSTGRES) {
      tx.update(table).set(assignments).from(v).where(key.eq(k)).execute();
    } else {
      tx.mergeInto(table).using(v).on(key.eq(k)).whenMatchedThenUpdate().set(assignments).execute();
    }
  }

  /** Where a batch ends: its last key, its rows, and how many of them are at the step's from-version. */
  record Boundary(String lastKey, long rows, long fromRows) {}

  Boundary boundary(DSLContext dsl, Object after, int limit, int fromVersion) {
    Table<?> batch = dsl.select(key.as("k"), version.as("v")).from(table)
        .where(after == null ? DSL.noCondition() : key.gt(after)).orderBy(key).limit(limit).asTable("b");
    Field<Object> k = field(unquotedName("b", "k"));
    Field<Integer> v = field(unquotedName("b", "v"), Integer.class);
    Record r = dsl.select(DSL.max(k), DSL.count(), DSL.count().filterWhere(v.eq(inline(fromVersion)))).from(batch).fetchOne();
    return new Boundary(r.get(0) == null ? null : String.valueOf(r.get(0)), r.get(1, Long.class), r.get(2, Long.class));
  }

  /** The rows at {@code fromVersion} with keys in (after, last]. */
  private Condition range(Object after, Object last, int fromVersion) {
    return (after == null ? DSL.noCondition() : key.gt(after)).and(key.le(last)).and(version.eq(inline(fromVersion)));
  }

  /** Snapshots of the range's rows, taken by the database before the update. */
  void snapshotInDatabase(DSLContext tx, String stepId, Object after, Object last, int fromVersion) {
    RowData.snapshotted(tx, tx.select(inline(stepId), key.cast(SQLDataType.VARCHAR), stateText.cast(SQLDataType.VARCHAR),
        version, layer == null ? DSL.castNull(String.class) : layer).from(table).where(range(after, last, fromVersion)));
  }

  /** Transforms the range in the database with one UPDATE; returns the rows changed (rejected ones are not). */
  int transformInDatabase(DSLContext tx, StatePushdown pushdown, Object after, Object last, int fromVersion, int toVersion) {
    Table<?> c = chain(tx, pushdown, after, last, fromVersion);
    int n = pushdown.size();
    Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
    assignments.put(state.field(), field(unquotedName(c.getName(), "s" + n), JSONB.class));
    assignments.put(version, inline(toVersion));
    if (layer != null) {
      assignments.put(layer, field(unquotedName(c.getName(), "l" + n), String.class));
    }
    // The range on the target too: the chain's row count is opaque to the planner, which would otherwise hash
    // join it against a scan of the whole table (seconds per batch on 10 million rows).
    return tx.update(table).set(assignments).from(c)
        .where(key.eq(field(unquotedName(c.getName(), "k"))).and(field(unquotedName(c.getName(), "r" + n)).isNull())
            .and(range(after, last, fromVersion)))
        .execute();
  }

  /** The range's rows the ops reject, with the reason, in key order. */
  List<String[]> rejectedInDatabase(DSLContext tx, StatePushdown pushdown, Object after, Object last, int fromVersion) {
    Table<?> c = chain(tx, pushdown, after, last, fromVersion);
    Field<Object> k = field(unquotedName(c.getName(), "k"));
    Field<String> reason = field(unquotedName(c.getName(), "r" + pushdown.size()), String.class);
    return tx.select(k, reason).from(c).where(reason.isNotNull()).orderBy(k)
        .fetch(r -> new String[] {String.valueOf(r.value1()), r.value2()});
  }

  /**
   * One subquery per op, each fenced with OFFSET 0 so PostgreSQL computes every stage once per row instead of
   * inlining the whole chain into each reference.
   */
  private Table<?> chain(DSLContext tx, StatePushdown pushdown, Object after, Object last, int fromVersion) {
    StatePushdown.Stage start = StatePushdown.start(stateText.coerce(JSONB.class), layer == null ? DSL.castNull(String.class) : layer);
    List<Field<?>> first = new ArrayList<>(List.of(key.as("k"), start.state().as("s0"), start.layer().as("l0"),
        start.rejection().as("r0")));
    extraColumns.forEach(c -> first.add(c.as("c_" + c.getName())));
    Table<?> stage = tx.select(first).from(table).where(range(after, last, fromVersion)).asTable("p0");
    for (int i = 0; i < pushdown.size(); i++) {
      String name = stage.getName();
      Map<String, Field<String>> columns = new LinkedHashMap<>();
      extraColumns.forEach(c -> columns.put(c.getName(), field(unquotedName(name, "c_" + c.getName()), String.class)));
      StatePushdown.Stage out = pushdown.apply(i, new StatePushdown.Stage(field(unquotedName(name, "s" + i), JSONB.class),
          field(unquotedName(name, "l" + i), String.class), field(unquotedName(name, "r" + i), String.class)), columns);
      List<Field<?>> next = new ArrayList<>(List.of(field(unquotedName(name, "k")).as("k"), out.state().as("s" + (i + 1)),
          out.layer().as("l" + (i + 1)), out.rejection().as("r" + (i + 1))));
      columns.forEach((column, f) -> next.add(f.as("c_" + column)));
      stage = tx.select(next).from(stage).offset(inline(0)).asTable("p" + (i + 1));
    }
    return stage;
  }

  List<RowSnapshot> snapshots(List<StateRow> rows) {
    List<RowSnapshot> snapshots = new ArrayList<>(rows.size());
    rows.forEach(r -> snapshots.add(new RowSnapshot(String.valueOf(r.key), r.oldState, r.oldVersion, r.oldLayer)));
    return snapshots;
  }

  private static boolean numeric(DSLContext dsl, Table<?> table, String column) {
    return dsl.connectionResult(connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery(
              dsl.render(dsl.select(field(unquotedName(column))).from(table).where(DSL.falseCondition())))) {
        int type = rows.getMetaData().getColumnType(1);
        return type == Types.BIGINT || type == Types.INTEGER || type == Types.SMALLINT || type == Types.NUMERIC
            || type == Types.DECIMAL || type == Types.TINYINT;
      }
    });
  }

  private static <T> Field<T> column(Table<?> table, String name, DataType<T> type) {
    return field(unquotedName(table.getName(), name), type);
  }

}
