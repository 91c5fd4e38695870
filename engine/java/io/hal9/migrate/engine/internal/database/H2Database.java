package io.hal9.migrate.engine.internal.database;

import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.val;

import io.hal9.migrate.checkpoints.LockDialect;
import io.hal9.migrate.engine.spi.tables.ColumnType;
import io.hal9.migrate.engine.spi.tables.Identifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.database.h2.H2Parser;
import org.flywaydb.core.internal.parser.Parser;
import org.flywaydb.core.internal.parser.ParsingContext;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.conf.ParamCastMode;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

final class H2Database implements Database {
  private static final DataType<Object> NUMBER_ARRAYS = SQLDataType.OTHER.asConvertedDataType(new NumberArrayBinding(true));
  static final H2Database INSTANCE = new H2Database();

  private H2Database() {}

  @Override
  public SQLDialect dialect() {
    return SQLDialect.H2;
  }

  @Override
  public String planKey() {
    return "h2";
  }

  @Override
  public LockDialect locks() {
    return LockDialect.H2;
  }

  @Override
  public Parser sqlParser(Configuration configuration) {
    return new H2Parser(configuration, new ParsingContext());
  }

  @Override
  public boolean upperCase() {
    return true;
  }

  /** An unqualified name is looked up in the session's current schema, as H2 does. */
  @Override
  public Optional<String[]> resolve(DSLContext dsl, List<Identifier> parts) {
    String schema = parts.size() == 2 ? parts.get(0).folded(true)
        : dsl.resultQuery("SELECT CURRENT_SCHEMA").fetchOne(0, String.class);
    String table = parts.get(parts.size() - 1).folded(true);
    boolean exists = dsl.resultQuery("SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = {0}"
        + " AND TABLE_NAME = {1}", val(schema), val(table)).fetchOne(0, Integer.class) > 0;
    return exists ? Optional.of(new String[] {schema, table}) : Optional.empty();
  }

  @Override
  public int vectorDimensions(DSLContext dsl, String schema, String table, String column) {
    return 0;
  }

  @Override
  public boolean transformsJsonInDatabase() {
    return false;
  }

  @Override
  public void tuneForBatch(DSLContext tx) {}

  /**
   * One UPDATE by key, rendered once and run as a JDBC batch: H2 has no UPDATE .. FROM, and a MERGE from a VALUES
   * list of the whole batch is rendered by jOOQ and parsed by H2 anew for every batch.
   */
  @Override
  public void updateByKey(DSLContext tx, Table<?> table, List<Field<Object>> keys, List<Field<?>> columns,
      List<Object[]> values) {
    DSLContext dsl = forRowBinds(tx);
    Map<Field<?>, Field<?>> assignments = new LinkedHashMap<>();
    for (Field<?> column : columns) {
      // A document arrives as text: FORMAT JSON has H2 store it as the JSON it spells, not as a JSON string.
      assignments.put(column, column.getDataType().getType() == JSON.class
          ? DSL.field("{0} format json", column.getDataType(), val(null, SQLDataType.VARCHAR)) : val(null, column.getDataType()));
    }
    Condition matches = DSL.noCondition();
    for (Field<Object> key : keys) {
      matches = matches.and(key.eq(val(null, key.getDataType())));
    }
    BatchBindStep batch = dsl.batch(dsl.update(table).set(assignments).where(matches));
    int rows = values.get(0).length;
    for (int r = 0; r < rows; r++) {
      Object[] row = new Object[columns.size() + keys.size()];
      for (int c = 0; c < columns.size(); c++) {
        row[c] = values.get(keys.size() + c)[r];
      }
      for (int k = 0; k < keys.size(); k++) {
        row[columns.size() + k] = values.get(k)[r];
      }
      batch = batch.bind(row);
    }
    batch.execute();
  }

  /**
   * MERGE .. KEY as one JDBC batch (jOOQ's MERGE USING emulation of a large multi-row ON CONFLICT exhausts a small
   * heap on H2).
   */
  @Override
  public void upsert(DSLContext tx, Table<?> table, List<Field<?>> columns, List<Field<?>> values,
      List<Field<?>> conflictKey, List<Field<?>> updated, List<Object[]> binds) {
    DSLContext dsl = forRowBinds(tx);
    BatchBindStep batch = dsl.batch(dsl.mergeInto(table).columns(columns).key(conflictKey).values(values));
    for (Object[] row : binds) {
      batch = batch.bind(row);
    }
    batch.execute();
  }

  @Override
  public DSLContext forRowBinds(DSLContext tx) {
    return DSL.using(tx.configuration().deriveSettings(s -> s.withParamCastMode(ParamCastMode.NEVER)));
  }

  /** H2 reads an array bound as {@code Object[]}: the elements are boxed. */
  @Override
  public DataType<Object> numberArrayParameter() {
    return NUMBER_ARRAYS;
  }

  @Override
  public Optional<List<Field<?>>> vectorMeasure(Field<Object> column, ColumnType type) {
    return Optional.empty();
  }

  /** H2 hands the values over as Java objects: there is no text to parse. */
  @Override
  public DSLContext binaryResults(DSLContext dsl) {
    return dsl;
  }

  @Override
  public Optional<java.time.Duration> replicationLag(DSLContext dsl) {
    return Optional.empty();
  }
}
