package io.hal9.migrate.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The baseline: the loop a user writes by hand with JDBC and Jackson. A keyset loop on one thread, the ops
 * applied inline to the parsed tree with doubles, one UPDATE per row in a JDBC batch, a commit per batch; no
 * checkpoint, no snapshot, no engine class.
 */
final class HandWrittenLoop {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One op as a hand-written edit of the state; returns the row's layer. */
  private interface Edit {
    String apply(ObjectNode state, String kind, String layer);
  }

  private final DataSource dataSource;
  private final boolean postgres;
  private final List<Edit> edits = new ArrayList<>();

  HandWrittenLoop(DataSource dataSource, boolean postgres, JsonNode ops) {
    this.dataSource = dataSource;
    this.postgres = postgres;
    for (JsonNode op : ops) {
      edits.add(edit(op));
    }
  }

  /** Migrates {@code table} from state version 1 to 2; returns the rows updated. */
  long run(String table, int batchSize) throws Exception {
    String select = "SELECT id, state, layer, kind FROM " + table + " WHERE id > ? AND state_version = 1 ORDER BY id LIMIT ?";
    String update = "UPDATE " + table + " SET state = " + (postgres ? "?::jsonb" : "? FORMAT JSON")
        + ", state_version = 2, layer = ? WHERE id = ?";
    long updated = 0;
    long cursor = 0;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try (PreparedStatement read = connection.prepareStatement(select);
          PreparedStatement write = connection.prepareStatement(update)) {
        while (true) {
          read.setLong(1, cursor);
          read.setInt(2, batchSize);
          int rows = 0;
          try (ResultSet result = read.executeQuery()) {
            while (result.next()) {
              cursor = result.getLong(1);
              ObjectNode state = (ObjectNode) JSON.readTree(result.getString(2));
              String layer = result.getString(3);
              for (Edit edit : edits) {
                layer = edit.apply(state, result.getString(4), layer);
              }
              write.setString(1, JSON.writeValueAsString(state));
              write.setString(2, layer);
              write.setLong(3, cursor);
              write.addBatch();
              rows++;
            }
          }
          if (rows == 0) {
            return updated;
          }
          write.executeBatch();
          connection.commit();
          updated += rows;
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("hand-written loop on " + table + ": " + e.getMessage(), e);
    }
  }

  private static Edit edit(JsonNode op) {
    String name = op.fieldNames().next();
    JsonNode a = op.get(name);
    return switch (name) {
      case "rename" -> (s, kind, layer) -> {
        ObjectNode from = parent(s, a.get("from").asText(), false);
        String last = last(a.get("from").asText());
        if (from != null && from.has(last)) {
          parent(s, a.get("to").asText(), true).set(last(a.get("to").asText()), from.remove(last));
        }
        return layer;
      };
      case "clamp" -> (s, kind, layer) -> {
        String field = a.get("field").asText();
        ObjectNode parent = parent(s, field, false);
        JsonNode value = parent == null ? null : parent.get(last(field));
        if (value != null && value.isNumber()) {
          double v = value.asDouble();
          double clamped = a.has("min") && v < a.get("min").asDouble() ? a.get("min").asDouble()
              : a.has("max") && v > a.get("max").asDouble() ? a.get("max").asDouble() : v;
          if (clamped != v) {
            parent.put(last(field), clamped);
          }
        }
        return layer;
      };
      case "multiply" -> (s, kind, layer) -> {
        String field = a.get("field").asText();
        ObjectNode parent = parent(s, field, false);
        JsonNode value = parent == null ? null : parent.get(last(field));
        if (value != null && value.isNumber()) {
          parent.put(last(field), value.asDouble() * a.get("by").asDouble());
        }
        return layer;
      };
      case "set" -> (s, kind, layer) -> {
        parent(s, a.get("field").asText(), true).set(last(a.get("field").asText()), a.get("value").deepCopy());
        return layer;
      };
      case "default" -> (s, kind, layer) -> {
        String field = a.get("field").asText();
        ObjectNode parent = parent(s, field, true);
        JsonNode value = parent.get(last(field));
        if (value == null || value.isNull()) {
          parent.set(last(field), a.get("value").deepCopy());
        }
        return layer;
      };
      case "remove" -> (s, kind, layer) -> {
        ObjectNode parent = parent(s, a.get("field").asText(), false);
        if (parent != null) {
          parent.remove(last(a.get("field").asText()));
        }
        return layer;
      };
      case "layer-map" -> {
        if (!a.path("from").asText().equals("kind")) {
          throw new IllegalArgumentException("the hand-written loop maps layers from the kind column only");
        }
        yield (s, kind, layer) -> {
          JsonNode mapped = a.path("map").get(kind);
          return mapped != null ? mapped.asText() : a.has("default") ? a.get("default").asText() : layer;
        };
      }
      default -> throw new IllegalArgumentException("no hand-written loop for the op '" + name + "'");
    };
  }

  /** The object holding the path's last field; created on the way when {@code create}, else null if missing. */
  private static ObjectNode parent(ObjectNode state, String path, boolean create) {
    String[] parts = path.split("\\.");
    ObjectNode node = state;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode next = node.get(parts[i]);
      if (next == null || !next.isObject()) {
        if (!create) {
          return null;
        }
        next = node.putObject(parts[i]);
      }
      node = (ObjectNode) next;
    }
    return node;
  }

  private static String last(String path) {
    return path.substring(path.lastIndexOf('.') + 1);
  }
}
