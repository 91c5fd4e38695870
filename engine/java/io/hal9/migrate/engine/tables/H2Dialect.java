package io.hal9.migrate.engine.tables;

import static org.jooq.impl.DSL.val;

import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

final class H2Dialect implements Dialect {
  static final H2Dialect INSTANCE = new H2Dialect();

  private H2Dialect() {}

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
}
