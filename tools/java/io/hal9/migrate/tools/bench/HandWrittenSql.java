package io.hal9.migrate.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The bound: the same ops as a hand-written PostgreSQL UPDATE per range of 10,000 ids, a {@code jsonb} expression
 * per op (each stage fenced with OFFSET 0 so it is computed once), autocommitted, no checkpoint, no snapshot. What
 * a DBA writes when speed is all that counts; the engine is measured against it.
 */
final class HandWrittenSql {
  static final int RANGE = 10_000;

  private final DataSource dataSource;
  private final List<String> stages;
  private final String layer;

  private HandWrittenSql(DataSource dataSource, List<String> stages, String layer) {
    this.dataSource = dataSource;
    this.stages = stages;
    this.layer = layer;
  }

  /** Empty when an op has no hand-written form here (a path deeper than two fields, a layer from the state). */
  static Optional<HandWrittenSql> of(DataSource dataSource, JsonNode ops) {
    List<String> stages = new ArrayList<>();
    String layer = "t.layer";
    for (JsonNode op : ops) {
      String name = op.fieldNames().next();
      JsonNode a = op.get(name);
      if (name.equals("layer-map")) {
        if (!a.path("from").asText().equals("kind")) {
          return Optional.empty();
        }
        StringBuilder when = new StringBuilder("CASE t.kind");
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) a.path("map")::fields) {
          when.append(" WHEN ").append(literal(e.getKey())).append(" THEN ").append(literal(e.getValue().asText()));
        }
        layer = when.append(" ELSE ").append(a.has("default") ? literal(a.get("default").asText()) : "t.layer")
            .append(" END").toString();
        continue;
      }
      Optional<String> stage = stage(name, a);
      if (stage.isEmpty()) {
        return Optional.empty();
      }
      stages.add(stage.get());
    }
    return Optional.of(new HandWrittenSql(dataSource, stages, layer));
  }

  /** Migrates {@code table} from state version 1 to 2, range by range; returns the rows updated. */
  long run(String table) throws SQLException {
    StringBuilder from = new StringBuilder("(SELECT id, state AS s0 FROM " + table
        + " WHERE id > ? AND id <= ? AND state_version = 1) p0");
    for (int i = 0; i < stages.size(); i++) {
      String s = "p" + i + ".s" + i;
      from.append(", LATERAL (SELECT ").append(stages.get(i).replace("$s", s)).append(" AS s").append(i + 1)
          .append(" OFFSET 0) p").append(i + 1);
    }
    String update = "UPDATE " + table + " t SET state = c.s" + stages.size() + ", state_version = 2, layer = " + layer
        + " FROM (SELECT p0.id, p" + stages.size() + ".s" + stages.size() + " FROM " + from + ") c WHERE t.id = c.id";
    long updated = 0;
    try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(update)) {
      long max;
      try (Statement s = connection.createStatement(); var r = s.executeQuery("SELECT coalesce(max(id), 0) FROM " + table)) {
        r.next();
        max = r.getLong(1);
      }
      for (long low = 0; low < max; low += RANGE) {
        statement.setLong(1, low);
        statement.setLong(2, low + RANGE);
        updated += statement.executeUpdate();
      }
    }
    return updated;
  }

  private static Optional<String> stage(String name, JsonNode a) {
    String field = a.path("field").asText(a.path("from").asText());
    if (field.split("\\.").length > 2 || a.path("to").asText("").split("\\.").length > 2) {
      return Optional.empty();
    }
    String path = path(field);
    String number = "($s #>> " + path + ")::numeric";
    String isNumber = "jsonb_typeof($s #> " + path + ") = 'number'";
    return Optional.ofNullable(switch (name) {
      case "rename" -> "CASE WHEN $s #> " + path + " IS NULL THEN $s ELSE "
          + set("($s #- " + path + ")", a.get("to").asText(), "$s #> " + path) + " END";
      case "clamp" -> {
        String v = number;
        if (a.has("min")) {
          v = "greatest(" + v + ", " + a.get("min").decimalValue() + ")";
        }
        if (a.has("max")) {
          v = "least(" + v + ", " + a.get("max").decimalValue() + ")";
        }
        yield "CASE WHEN " + isNumber + " AND " + v + " <> " + number + " THEN jsonb_set($s, " + path + ", to_jsonb(" + v
            + ")) ELSE $s END";
      }
      case "multiply" -> "CASE WHEN " + isNumber + " THEN jsonb_set($s, " + path + ", to_jsonb(" + number + " * "
          + a.get("by").decimalValue() + ")) ELSE $s END";
      case "set" -> set("$s", field, literal(a.get("value").toString()) + "::jsonb");
      case "default" -> "CASE WHEN coalesce(jsonb_typeof($s #> " + path + "), 'null') = 'null' THEN "
          + set("$s", field, literal(a.get("value").toString()) + "::jsonb") + " ELSE $s END";
      case "remove" -> "$s #- " + path;
      default -> null;
    });
  }

  /** {@code json} with {@code field} (one or two levels) set to {@code value}, creating the parent object. */
  private static String set(String json, String field, String value) {
    String[] parts = field.split("\\.");
    if (parts.length == 1) {
      return "jsonb_set(" + json + ", " + path(field) + ", " + value + ", true)";
    }
    String parent = "CASE WHEN jsonb_typeof(" + json + " -> " + literal(parts[0]) + ") = 'object' THEN " + json + " -> "
        + literal(parts[0]) + " ELSE '{}'::jsonb END";
    return "jsonb_set(" + json + ", " + path(parts[0]) + ", (" + parent + ") || jsonb_build_object(" + literal(parts[1])
        + ", " + value + "), true)";
  }

  private static String path(String field) {
    return literal("{" + field.replace('.', ',') + "}") + "::text[]";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
