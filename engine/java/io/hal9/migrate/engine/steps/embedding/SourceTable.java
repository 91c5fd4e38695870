package io.hal9.migrate.engine.steps.embedding;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.unquotedName;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The rows an embedding step reads, in keyset batches on a numeric key: the key and the text, taken from a
 * column ({@code label}) or from a dotted path into a JSON column ({@code state.label}), read in Java so the
 * same code serves JSONB, JSON and text columns.
 */
final class SourceTable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One source row; {@code text} is null when missing, not text, or blank. */
  record Row(long key, String text) {}

  private final Table<Record> table;
  private final Field<Long> key;
  private final Field<String> column;
  private final List<String> path;

  /** @param text a column name, or a column name and a dotted path into its JSON documents */
  SourceTable(String tableName, String keyColumn, String text) {
    List<String> parts = Arrays.asList(text.split("\\."));
    this.table = DSL.table(unquotedName(tableName));
    this.key = field(unquotedName(tableName, keyColumn), SQLDataType.BIGINT);
    this.column = field(unquotedName(tableName, parts.get(0)), SQLDataType.VARCHAR);
    this.path = parts.subList(1, parts.size());
  }

  Table<Record> table() {
    return table;
  }

  /** The next {@code limit} rows after {@code after} (from the start when null), in key order. */
  List<Row> read(DSLContext dsl, Long after, int limit) {
    return dsl.select(key, column).from(table)
        .where(after == null ? DSL.noCondition() : key.gt(after))
        .orderBy(key).limit(limit)
        .fetch(r -> new Row(r.value1(), text(r.value2())));
  }

  private String text(String value) {
    if (value == null) {
      return null;
    }
    String text = value;
    if (!path.isEmpty()) {
      JsonNode node;
      try {
        node = JSON.readTree(value);
      } catch (JsonProcessingException e) {
        return null; // not JSON: no text to embed, counted with the empty ones
      }
      for (String part : path) {
        node = node == null ? null : node.get(part);
      }
      text = node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }
    return text == null || text.isBlank() ? null : text;
  }
}
