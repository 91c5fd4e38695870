package io.hal9.migrate.engine.spi.tables;

import io.hal9.migrate.engine.internal.database.Database;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * The target database's catalog, read-only: resolves the tables and columns plans name, as the database resolves
 * them (the search path, case folding of plain names, quoted names exactly). Reading it writes nothing.
 */
public final class Catalog {
  private final DSLContext dsl;
  private final Database dialect;

  private Catalog(DSLContext dsl) {
    this.dsl = dsl;
    this.dialect = Database.of(dsl.dialect());
  }

  public static Catalog of(DSLContext dsl) {
    return new Catalog(dsl);
  }

  /**
   * The table a plan names, or empty when the database has none by that name.
   *
   * @throws IllegalArgumentException when {@code written} is not a table name
   */
  public Optional<UserTable> table(String written) {
    List<Identifier> parts = SqlNames.table(written);
    return dialect.resolve(dsl, parts).map(found -> read(written, found[0], found[1]));
  }

  private UserTable read(String written, String schema, String name) {
    return dsl.connectionResult(connection -> {
      DatabaseMetaData meta = connection.getMetaData();
      String s = escape(meta, schema);
      String t = escape(meta, name);
      List<Column> columns = new ArrayList<>();
      try (ResultSet rows = meta.getColumns(null, s, t, null)) {
        while (rows.next()) {
          String column = rows.getString("COLUMN_NAME");
          String typeName = rows.getString("TYPE_NAME");
          ColumnType type = ColumnType.of(rows.getInt("DATA_TYPE"), typeName);
          int dimensions = type == ColumnType.VECTOR ? dialect.vectorDimensions(dsl, schema, name, column) : 0;
          columns.add(new Column(column, type, typeName, dimensions));
        }
      }
      return new UserTable(written, schema, name, columns, uniqueKeys(meta, schema, name), dialect.upperCase());
    });
  }

  /** The primary key and every unique index over plain columns (not partial, not on expressions). */
  private static List<Set<String>> uniqueKeys(DatabaseMetaData meta, String schema, String name) throws SQLException {
    List<Set<String>> keys = new ArrayList<>();
    Set<String> primary = new LinkedHashSet<>();
    try (ResultSet rows = meta.getPrimaryKeys(null, schema, name)) {
      while (rows.next()) {
        primary.add(rows.getString("COLUMN_NAME"));
      }
    }
    if (!primary.isEmpty()) {
      keys.add(primary);
    }
    Map<String, Set<String>> indexes = new LinkedHashMap<>();
    Set<String> unusable = new LinkedHashSet<>();
    try (ResultSet rows = meta.getIndexInfo(null, schema, name, true, true)) {
      while (rows.next()) {
        String index = rows.getString("INDEX_NAME");
        String column = rows.getString("COLUMN_NAME");
        if (index == null || rows.getBoolean("NON_UNIQUE")) {
          continue;
        }
        if (column == null || rows.getString("FILTER_CONDITION") != null) {
          unusable.add(index);
        }
        indexes.computeIfAbsent(index, i -> new LinkedHashSet<>()).add(column);
      }
    }
    indexes.forEach((index, columns) -> {
      if (!unusable.contains(index) && !keys.contains(columns)) {
        keys.add(columns);
      }
    });
    return keys;
  }

  /** Metadata calls take patterns: '_' and '%' in a real name must not match other names. */
  private static String escape(DatabaseMetaData meta, String name) throws SQLException {
    String escape = meta.getSearchStringEscape();
    return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
  }
}
