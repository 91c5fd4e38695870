package io.hal9.migrate.engine.tables;

import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/** What differs between H2 and PostgreSQL in reading and writing users' tables. */
interface Dialect {

  static Dialect of(SQLDialect dialect) {
    return dialect == SQLDialect.POSTGRES ? PostgresDialect.INSTANCE : H2Dialect.INSTANCE;
  }

  /** Whether plain names fold to upper case (H2) or lower case (PostgreSQL). */
  boolean upperCase();

  /** The schema and name of the table {@code parts} names, resolved as the database resolves them. */
  Optional<String[]> resolve(DSLContext dsl, List<Identifier> parts);

  /** The declared dimensions of a pgvector column. */
  int vectorDimensions(DSLContext dsl, String schema, String table, String column);
}
