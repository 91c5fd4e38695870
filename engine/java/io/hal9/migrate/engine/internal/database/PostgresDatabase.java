package io.hal9.migrate.engine.internal.database;

import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.val;

import io.hal9.migrate.checkpoints.LockDialect;
import io.hal9.migrate.engine.spi.tables.ColumnType;
import io.hal9.migrate.engine.spi.tables.Identifier;
import java.lang.reflect.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.parser.Parser;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.flywaydb.database.postgresql.PostgreSQLParser;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;
import org.postgresql.PGStatement;

final class PostgresDatabase implements Database {
  private static final DataType<Object> NUMBER_ARRAYS = SQLDataType.OTHER.asConvertedDataType(new NumberArrayBinding(false));
  static final PostgresDatabase INSTANCE = new PostgresDatabase();

  private PostgresDatabase() {}

  @Override
  public SQLDialect dialect() {
    return SQLDialect.POSTGRES;
  }

  @Override
  public String planKey() {
    return "postgresql";
  }

  @Override
  public LockDialect locks() {
    return LockDialect.POSTGRES;
  }

  @Override
  public Parser sqlParser(Configuration configuration) {
    return new PostgreSQLParser(configuration, new ParsingContext());
  }

  @Override
  public boolean upperCase() {
    return false;
  }

  /** PostgreSQL's own parser and search path resolve the name: to_regclass is what a query's FROM would do. */
  @Override
  public Optional<String[]> resolve(DSLContext dsl, List<Identifier> parts) {
    String name = parts.stream().map(Identifier::toString).collect(Collectors.joining("."));
    Record row = dsl.resultQuery("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE c.oid = to_regclass({0}) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')", val(name)).fetchOne();
    return Optional.ofNullable(row).map(r -> new String[] {r.get(0, String.class), r.get(1, String.class)});
  }

  /** pgvector keeps a column's dimensions as its type modifier. */
  @Override
  public int vectorDimensions(DSLContext dsl, String schema, String table, String column) {
    Integer typmod = dsl.resultQuery("SELECT a.atttypmod FROM pg_catalog.pg_attribute a"
        + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = {0} AND c.relname = {1} AND a.attname = {2}", val(schema), val(table), val(column))
        .fetchOne(0, Integer.class);
    return typmod == null || typmod < 0 ? 0 : typmod;
  }

  @Override
  public boolean transformsJsonInDatabase() {
    return true;
  }

  /**
   * The planner prices a chain of JSONB functions high on a big table and would JIT-compile every batch's
   * statements, which costs far more (half a second) than running them on a thousand rows. And it may estimate a
   * key range at one row (UUIDs in one histogram bucket) and join the batch to the table in a nested loop that
   * computes the whole chain again for each row: 2.5 s a batch instead of 5 ms.
   */
  @Override
  public void tuneForBatch(DSLContext tx) {
    // set_config(.., true) is SET LOCAL: both in one round trip.
    tx.select(setLocal("jit", "off"), setLocal("enable_nestloop", "off")).fetch();
  }

  private static Field<String> setLocal(String setting, String value) {
    return DSL.function("set_config", String.class, DSL.inline(setting), DSL.inline(value), DSL.inline(true));
  }

  /** UPDATE .. FROM unnest(one array per column): a few bind values however large the batch. */
  @Override
  public void updateByKey(DSLContext tx, Table<?> table, List<Field<Object>> keys, List<Field<?>> columns,
      List<Object[]> values) {
    List<Field<?>> targets = new ArrayList<>(keys);
    targets.addAll(columns);
    String[] names = new String[targets.size()];
    List<Field<?>> arrays = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      names[i] = "c" + i;
      arrays.add(array(targets.get(i).getDataType(), values.get(i)));
    }
    Table<?> v = DSL.table("unnest({0})", DSL.list(arrays.toArray(Field[]::new))).as("v", names);
    Condition matches = DSL.noCondition();
    for (int k = 0; k < keys.size(); k++) {
      matches = matches.and(keys.get(k).eq(field(name("v", names[k]))));
    }
    Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
    for (int c = 0; c < columns.size(); c++) {
      Field<?> column = columns.get(c);
      Field<Object> value = field(name("v", names[keys.size() + c]));
      // JSON documents travel as text[] (jOOQ binds no jsonb[]) and become the column's type here.
      assignments.put(column, isJson(column.getDataType()) ? value.cast(column.getDataType()) : value);
    }
    tx.update(table).set(assignments).from(v).where(matches).execute();
  }

  @Override
  public void upsert(DSLContext tx, Table<?> table, List<Field<?>> columns, List<Field<?>> values,
      List<Field<?>> conflictKey, List<Field<?>> updated, List<Object[]> binds) {
    Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
    updated.forEach(column -> assignments.put(column, excluded(column)));
    BatchBindStep batch = tx.batch(tx.insertInto(table).columns(columns).values(values).onConflict(conflictKey)
        .doUpdate().set(assignments));
    for (Object[] row : binds) {
      batch = batch.bind(row);
    }
    batch.execute();
  }

  @Override
  public DSLContext forRowBinds(DSLContext tx) {
    return tx;
  }

  /** The values as an array of the column's own type (uuid[], numeric[], text[]...), JSON as text[]. */
  @SuppressWarnings("unchecked")
  private static Field<?> array(DataType<?> type, Object[] values) {
    DataType<Object> element = (DataType<Object>) (isJson(type) ? SQLDataType.VARCHAR : type);
    Object[] array = (Object[]) Array.newInstance(element.getType(), values.length);
    for (int i = 0; i < values.length; i++) {
      array[i] = values[i];
    }
    return DSL.val(array, (DataType<Object[]>) (DataType<?>) element.getArrayDataType());
  }

  private static boolean isJson(DataType<?> type) {
    return type.getType() == org.jooq.JSONB.class || type.getType() == org.jooq.JSON.class;
  }

  /** pgjdbc sends a primitive {@code float[]} or {@code double[]} in binary: no element is printed or parsed. */
  @Override
  public DataType<Object> numberArrayParameter() {
    return NUMBER_ARRAYS;
  }

  /**
   * pgvector measures its own vectors. Arrays are read in binary instead ({@link #binaryResults}) and measured by
   * the caller: summing their squares over {@code unnest} costs PostgreSQL about 80 µs a 384-float row, more than
   * decoding the binary array.
   */
  @Override
  public Optional<List<Field<?>>> vectorMeasure(Field<Object> column, ColumnType type) {
    return type == ColumnType.VECTOR
        ? Optional.of(List.of(DSL.field("vector_dims({0})", Integer.class, column), DSL.field("vector_norm({0})", Double.class, column)))
        : Optional.empty();
  }

  /**
   * pgjdbc takes results in binary only from a statement prepared on the server, by default from its fifth run on;
   * a negative prepare threshold makes it so from the first. A real[] then arrives as its floats' bytes, not as text
   * to parse float by float.
   */
  @Override
  public DSLContext binaryResults(DSLContext dsl) {
    return DSL.using(dsl.configuration().deriveAppending(new ExecuteListener() {
      @Override
      public void prepareEnd(ExecuteContext ctx) {
        try {
          ctx.statement().unwrap(PGStatement.class).setPrepareThreshold(-1);
        } catch (SQLException e) {
          throw new IllegalStateException("cannot ask pgjdbc for binary results: " + e.getMessage(), e);
        }
      }
    }));
  }

  /** An idle replica reports no replay lag (null): it is caught up. Needs pg_monitor for other users' replicas. */
  @Override
  public Optional<java.time.Duration> replicationLag(DSLContext dsl) {
    Field<Double> lag = DSL.field("extract(epoch from {0})", SQLDataType.DOUBLE, field(name("replay_lag")));
    Double seconds = dsl.select(DSL.coalesce(DSL.max(lag), DSL.inline(0.0)))
        .from(DSL.table(name("pg_catalog", "pg_stat_replication"))).fetchOne(0, Double.class);
    return Optional.of(java.time.Duration.ofMillis(Math.round((seconds == null ? 0 : seconds) * 1000)));
  }
}
