package io.hal9.migrate.engine.internal.database;

import io.hal9.migrate.checkpoints.LockDialect;
import io.hal9.migrate.engine.spi.tables.ColumnType;
import io.hal9.migrate.engine.spi.tables.Identifier;
import java.util.List;
import java.util.Optional;
import org.flywaydb.core.internal.parser.Parser;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.Table;

/**
 * Everything the engine does differently on H2 and PostgreSQL, in one place per database: the run lock's
 * mechanics, the plan's per-database keys, how names resolve, how SQL text splits, and the shapes of the bulk
 * statements data steps write with.
 */
public interface Database {

  static Database of(SQLDialect dialect) {
    return switch (dialect) {
      case POSTGRES -> PostgresDatabase.INSTANCE;
      case H2 -> H2Database.INSTANCE;
      default -> throw new IllegalArgumentException("unsupported database " + dialect.getName()
          + ": hal9-migrate runs on H2 and PostgreSQL");
    };
  }

  /** Every database there is a strategy for. */
  static List<Database> all() {
    return List.of(H2Database.INSTANCE, PostgresDatabase.INSTANCE);
  }

  SQLDialect dialect();

  /** The key of a plan's per-database SQL ({@code h2:}, {@code postgresql:}). */
  String planKey();

  LockDialect locks();

  /** Flyway's parser for the database's SQL: quotes, comments, dollar-quoted bodies, what cannot run in a transaction. */
  Parser sqlParser(org.flywaydb.core.api.configuration.Configuration configuration);

  /** Whether plain names fold to upper case (H2) or lower case (PostgreSQL). */
  boolean upperCase();

  /** The schema and name of the table {@code parts} names, resolved as the database resolves them. */
  Optional<String[]> resolve(DSLContext dsl, List<Identifier> parts);

  /** The declared dimensions of a vector column, where the database has such a type (pgvector); else 0. */
  int vectorDimensions(DSLContext dsl, String schema, String table, String column);

  /** Whether neuron-state ops can run inside the database, on its JSON type. */
  boolean transformsJsonInDatabase();

  /** Planner settings for a bulk statement over a key range of a big table, local to the transaction. */
  void tuneForBatch(DSLContext tx);

  /**
   * One statement for a batch: each row of {@code table} whose {@code keys} equal a row of {@code values} gets that
   * row's {@code columns}.
   *
   * @param values one array per key column (its values in the key's Java type), then one per column (JSON
   *     documents as text), all of the batch's length
   */
  void updateByKey(DSLContext tx, Table<?> table, List<Field<Object>> keys, List<Field<?>> columns, List<Object[]> values);

  /**
   * Inserts or, where a row with the same {@code conflictKey} exists, updates {@code updated}, row by row in one JDBC
   * batch: {@code values} are the VALUES of one row, each a placeholder or an expression, bound with each of {@code binds}.
   */
  void upsert(DSLContext tx, Table<?> table, List<Field<?>> columns, List<Field<?>> values, List<Field<?>> conflictKey,
      List<Field<?>> updated, List<Object[]> binds);

  /**
   * Where to build a statement whose placeholders are bound row by row (a JDBC batch). H2 casts a typed placeholder
   * without its precision or scale, and {@code cast(? as numeric)} has scale 0 there: a NUMERIC key 1.5 would match
   * the row 2. So there placeholders go bare, typed by the column each is compared with or assigned to.
   */
  DSLContext forRowBinds(DSLContext tx);

  /**
   * The type of a placeholder a vector is bound to in a {@code real[]} or {@code double precision[]} column: it takes
   * {@code float[]} or {@code double[]} (or their boxed forms, with nulls), in the form this database's driver reads
   * fastest.
   */
  DataType<Object> numberArrayParameter();

  /**
   * A vector column's length and norm, computed by the database, where it can for the column's type; empty where
   * the vector must be read and measured by the caller (through {@link #binaryResults}).
   */
  Optional<List<Field<?>>> vectorMeasure(Field<Object> column, ColumnType type);

  /** Where to run a query whose results (vectors, by the thousand) the driver should take in binary if it can. */
  DSLContext binaryResults(DSLContext dsl);

  /**
   * How far the database's replicas are behind it: the largest replay lag its primary reports; zero without
   * replicas. Empty where the database cannot have replicas (embedded H2).
   */
  Optional<java.time.Duration> replicationLag(DSLContext dsl);
}
