package io.hal9.migrate.engine.internal.steps.embedding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.engine.internal.steps.JsonColumn;
import io.hal9.migrate.engine.internal.steps.StepTables;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.tables.Column;
import io.hal9.migrate.engine.spi.tables.Keyset;
import io.hal9.migrate.engine.spi.tables.RowKey;
import io.hal9.migrate.engine.spi.tables.UserTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/**
 * The rows an embedding step reads, in keyset batches on its key (any unique, orderable columns): the key and
 * the text, taken from a column ({@code content}) or from a dotted path into a JSON column ({@code state.label}),
 * read in Java so the same code serves JSONB, JSON and text columns.
 */
final class SourceTable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One source row; {@code text} is null when missing, not text, or blank. */
  record Row(RowKey key, String text) {}

  private final UserTable user;
  private final Keyset keys;
  private final Field<String> column;
  private final List<String> path;

  private SourceTable(UserTable user, Keyset keys, Field<String> column, List<String> path) {
    this.user = user;
    this.keys = keys;
    this.column = column;
    this.path = path;
  }

  /** The step's {@code table}, {@code key} and {@code text}, resolved in the database; empty on a mismatch. */
  static Optional<SourceTable> resolve(StepDefinition step, StepTables tables) {
    Optional<UserTable> found = tables.table("table");
    if (found.isEmpty()) {
      return Optional.empty();
    }
    UserTable user = found.get();
    Optional<Keyset> keys = tables.keyset(user, "key");
    List<String> parts = Arrays.asList(step.string("text").split("\\."));
    Optional<Column> text = tables.column(user, "text", parts.get(0));
    if (text.isPresent() && parts.size() > 1 && !JsonColumn.holdsDocuments(text.get())) {
      tables.report("text", "column " + user.written() + "." + text.get().describe()
          + " does not hold JSON documents, so it has no path '" + String.join(".", parts.subList(1, parts.size())) + "'");
    }
    if (!tables.ok()) {
      return Optional.empty();
    }
    return Optional.of(new SourceTable(user, keys.get(), user.text(text.get()), parts.subList(1, parts.size())));
  }

  UserTable user() {
    return user;
  }

  Table<Record> table() {
    return user.table();
  }

  Keyset keys() {
    return keys;
  }

  Field<String> column() {
    return column;
  }

  /** The next {@code limit} rows after {@code after} (from the start when null), in key order. */
  List<Row> read(DSLContext dsl, RowKey after, int limit) {
    List<Field<?>> fields = new ArrayList<>(keys.fields());
    fields.add(column);
    return dsl.select(fields).from(table())
        .where(keys.after(after))
        .orderBy(keys.ascending()).limit(limit)
        .fetch(r -> new Row(keys.of(r), text(r.get(column))));
  }

  /** The text to embed in a stored value, or null when there is none. */
  String text(String value) {
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
