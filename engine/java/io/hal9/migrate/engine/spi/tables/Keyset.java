package io.hal9.migrate.engine.spi.tables;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SortField;
import org.jooq.impl.DSL;

/**
 * The key a data step batches on: one or more unique columns, compared in the database's own order (its
 * collation for text, as a row value for several columns), each value read and bound in its column's type. Keys
 * travel through the checkpoint (cursor, snapshots, rejects) as a typed JSON array, such as
 * {@code ["acme", "00004420-01c3-4bd5-a9a5-31c4b2a7d5f1"]}.
 */
public final class Keyset {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private final List<Column> columns;
  private final List<String> names;
  private final List<Field<Object>> fields;
  /** The last key a bounded keyset reaches (a partition's end), or null. */
  private final RowKey end;

  private Keyset(List<Column> columns, List<String> names, List<Field<Object>> fields, RowKey end) {
    this.columns = List.copyOf(columns);
    this.names = List.copyOf(names);
    this.fields = List.copyOf(fields);
    this.end = end;
  }

  /**
   * @param columns orderable columns of {@code table} (see {@link ColumnType#orderable()})
   * @param names the columns as the plan writes them, for messages
   */
  @SuppressWarnings("unchecked")
  public static Keyset of(UserTable table, List<Column> columns, List<String> names) {
    List<Field<Object>> fields = new ArrayList<>();
    for (Column column : columns) {
      if (!column.type().orderable()) {
        throw new IllegalArgumentException("column " + column.describe() + " cannot be a key");
      }
      fields.add(table.field(column, (DataType<Object>) column.type().keyType()));
    }
    return new Keyset(columns, names, fields, null);
  }

  /**
   * The same key, its reads ({@link #after}) ending at {@code last} inclusive: one partition's keys. The bound is
   * inlined, so statements rendered once per step (see KeyRangeStatement) bind the batch's bounds only.
   */
  public Keyset upTo(RowKey last) {
    return new Keyset(columns, names, fields, last);
  }

  /** No condition, or for a bounded keyset the keys up to its end. */
  public Condition end() {
    if (end == null) {
      return DSL.noCondition();
    }
    List<Field<Object>> values = new ArrayList<>(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      values.add(DSL.inline(end.values().get(i), fields.get(i).getDataType()));
    }
    return atMost(values);
  }

  public List<Column> columns() {
    return columns;
  }

  public List<Field<Object>> fields() {
    return fields;
  }

  public int size() {
    return fields.size();
  }

  /**
   * Rows whose key comes after {@code key} in key order (up to the end of a bounded keyset); every row when it is
   * null. A row value for several columns: both databases walk a composite index with it.
   */
  public Condition after(RowKey key) {
    return key == null ? end() : after(values(key));
  }

  /** Rows whose key comes after the one {@code values} give, one per key column (bind parameters, say). */
  public Condition after(List<Field<Object>> values) {
    return (fields.size() == 1 ? fields.get(0).gt(values.get(0)) : DSL.row(fields).gt(DSL.row(values))).and(end());
  }

  /** Rows whose key is {@code key} or comes before it. */
  public Condition atMost(RowKey key) {
    return atMost(values(key));
  }

  public Condition atMost(List<Field<Object>> values) {
    return fields.size() == 1 ? fields.get(0).le(values.get(0)) : DSL.row(fields).le(DSL.row(values));
  }

  public Condition is(RowKey key) {
    List<Field<Object>> values = values(key);
    Condition condition = DSL.noCondition();
    for (int i = 0; i < fields.size(); i++) {
      condition = condition.and(fields.get(i).eq(values.get(i)));
    }
    return condition;
  }

  public List<SortField<Object>> ascending() {
    return fields.stream().map(Field::asc).toList();
  }

  /** The key of a fetched row that selected {@link #fields()}. */
  public RowKey of(Record record) {
    List<Object> values = new ArrayList<>(fields.size());
    for (Field<Object> field : fields) {
      values.add(record.get(field));
    }
    return new RowKey(values);
  }

  /** The key of a fetched row whose key columns are at {@code first}, {@code first + 1}... */
  public RowKey of(Record record, int first) {
    List<Object> values = new ArrayList<>(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      values.add(record.get(first + i, fields.get(i).getDataType().getType()));
    }
    return new RowKey(values);
  }

  /** {@code id=17} or {@code (tenant, id)=(acme, 17)}, for messages. */
  public String describe(RowKey key) {
    return (names.size() == 1 ? names.get(0) : String.join(", ", names).transform(n -> "(" + n + ")")) + "=" + key;
  }

  /** The key as a typed JSON array, as the checkpoint keeps it. */
  public String json(RowKey key) {
    ArrayNode array = JSON.createArrayNode();
    for (Object value : key.values()) {
      if (value == null) {
        array.addNull();
      } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
        array.add(((Number) value).longValue());
      } else if (value instanceof BigDecimal decimal) {
        // One text per number, whatever the column's scale: keys are matched by this text.
        array.add(decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros());
      } else if (value instanceof Double || value instanceof Float) {
        array.add(((Number) value).doubleValue());
      } else {
        array.add(value.toString());
      }
    }
    try {
      return JSON.writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A key kept in the checkpoint: a JSON array, as {@link #json} writes it (or the database's own JSON of the
   * same values); a cursor written before keys were typed is the plain text of a one-column key.
   */
  public RowKey parse(String stored) {
    if (stored == null) {
      return null;
    }
    List<Object> values = new ArrayList<>(columns.size());
    if (!stored.startsWith("[")) {
      values.add(value(columns.get(0).type(), stored));
      return new RowKey(values);
    }
    JsonNode array;
    try {
      array = JSON.readTree(stored);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable key in the checkpoint: " + stored, e);
    }
    if (!array.isArray() || array.size() != columns.size()) {
      throw new IllegalStateException("the key " + stored + " in the checkpoint does not fit the key columns "
          + columns.stream().map(Column::name).toList());
    }
    for (int i = 0; i < columns.size(); i++) {
      JsonNode node = array.get(i);
      values.add(node.isNull() ? null : node.isNumber() ? number(columns.get(i).type(), node) : value(columns.get(i).type(), node.asText()));
    }
    return new RowKey(values);
  }

  private List<Field<Object>> values(RowKey key) {
    List<Field<Object>> values = new ArrayList<>(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      values.add(DSL.val(key.values().get(i), fields.get(i).getDataType()));
    }
    return values;
  }

  private static Object number(ColumnType type, JsonNode node) {
    return switch (type) {
      case INTEGER -> node.longValue();
      case DECIMAL -> node.decimalValue();
      case FLOAT -> node.doubleValue();
      default -> value(type, node.asText());
    };
  }

  private static Object value(ColumnType type, String text) {
    return switch (type) {
      case INTEGER -> Long.valueOf(text);
      case DECIMAL -> new BigDecimal(text);
      case FLOAT -> Double.valueOf(text);
      case UUID -> UUID.fromString(text);
      case DATE -> LocalDate.parse(text);
      case TIMESTAMP -> LocalDateTime.parse(text.replace(' ', 'T'));
      case TIMESTAMP_TZ -> OffsetDateTime.parse(text.replace(' ', 'T'));
      default -> text;
    };
  }
}
