package io.hal9.migrate.engine.internal.steps;

import io.hal9.migrate.engine.spi.tables.Column;
import io.hal9.migrate.engine.spi.tables.ColumnType;
import io.hal9.migrate.engine.spi.tables.UserTable;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.impl.SQLDataType;

/** A column holding JSON documents as JSONB, JSON or text, bound the way its database type needs. */
public final class JsonColumn {
  private final Field<Object> field;
  private final ColumnType storage;

  private JsonColumn(Field<Object> field, ColumnType storage) {
    this.field = field;
    this.storage = storage;
  }

  /** Whether a column can hold the documents: JSONB, JSON or text. */
  public static boolean holdsDocuments(Column column) {
    return column.type() == ColumnType.JSONB || column.type() == ColumnType.JSON || column.type() == ColumnType.TEXT;
  }

  @SuppressWarnings("unchecked")
  public static JsonColumn of(UserTable table, Column column) {
    DataType<?> type = switch (column.type()) {
      case JSONB -> SQLDataType.JSONB;
      case JSON -> SQLDataType.JSON;
      default -> SQLDataType.VARCHAR;
    };
    return new JsonColumn(table.field(column, (DataType<Object>) type), column.type());
  }

  public boolean jsonb() {
    return storage == ColumnType.JSONB;
  }

  public Field<Object> field() {
    return field;
  }

  /** The bind value for a JSON document given as text. */
  public Object value(String json) {
    return switch (storage) {
      case JSONB -> JSONB.valueOf(json);
      case JSON -> JSON.valueOf(json);
      default -> json;
    };
  }
}
