package io.hal9.migrate.engine.tables;

import static org.jooq.impl.DSL.val;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.Record;

final class PostgresDialect implements Dialect {
  static final PostgresDialect INSTANCE = new PostgresDialect();

  private PostgresDialect() {}

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
}
