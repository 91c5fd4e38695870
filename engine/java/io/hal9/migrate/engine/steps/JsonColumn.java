package io.hal9.migrate.engine.steps;

import static org.jooq.impl.DSL.falseCondition;
import org.jooq.impl.DSL;
import static org.jooq.impl.DSL.unquotedName;

import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.JSON;
import org.jooq.JSONB;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/** A column holding JSON documents as JSONB, JSON or text, bound the way its database type needs. */
public final class JsonColumn {
  private enum Storage { JSONB, JSON, TEXT }

  private final Field<Object> field;
  private final Storage storage;

  private JsonColumn(Field<Object> field, Storage storage) {
    this.field = field;
    this.storage = storage;
  }

  /** Looks up how {@code table.column} stores its documents. */
  @SuppressWarnings("unchecked")
  public static JsonColumn of(DSLContext dsl, Table<?> table, String column) {
    String typeName = dsl.connectionResult(connection -> {
      try (Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery(
              dsl.render(dsl.select(DSL.field(unquotedName(column))).from(table).where(falseCondition())))) {
        return rows.getMetaData().getColumnTypeName(1).toLowerCase(Locale.ROOT);
      }
    });
    Storage storage = typeName.equals("jsonb") ? Storage.JSONB : typeName.equals("json") ? Storage.JSON : Storage.TEXT;
    DataType<?> type = switch (storage) {
      case JSONB -> SQLDataType.JSONB;
      case JSON -> SQLDataType.JSON;
      case TEXT -> SQLDataType.VARCHAR;
    };
    return new JsonColumn(DSL.field(unquotedName(table.getName(), column), (DataType<Object>) type), storage);
  }

  public boolean jsonb() {
    return storage == Storage.JSONB;
  }

  public Field<Object> field() {
    return field;
  }

  /** The bind value for a JSON document given as text. */
  public Object value(String json) {
    return switch (storage) {
      case JSONB -> JSONB.valueOf(json);
      case JSON -> JSON.valueOf(json);
      case TEXT -> json;
    };
  }
}
