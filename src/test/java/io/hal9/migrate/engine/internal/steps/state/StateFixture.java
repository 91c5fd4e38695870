package io.hal9.migrate.engine.internal.steps.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.ExactJson;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small neurons table written by hand for neuron-state tests: V1 creates it and inserts exact rows, V2 holds
 * the step under test. Then reads rows back and compares state documents as JSON, digit for digit.
 */
final class StateFixture {
  /** The step's file; its line 4 is the first line given to {@link #step}. */
  static final String STEP_FILE = "V2__state.yaml";

  private static final ObjectMapper JSON = ExactJson.MAPPER;

  private final Plans plans;
  private String postgresType = "JSONB";
  private String h2Type = "JSON";
  private final List<String> rows = new ArrayList<>();
  private final List<Object[]> values = new ArrayList<>();

  private StateFixture(Path dir) {
    this.plans = Plans.in(dir);
  }

  static StateFixture in(Path dir) {
    return new StateFixture(dir);
  }

  /** The state column's SQL type on each database (JSONB on PostgreSQL and JSON on H2 unless told). */
  StateFixture stateColumn(String onPostgres, String onH2) {
    this.postgresType = onPostgres;
    this.h2Type = onH2;
    return this;
  }

  /** A row at state version 1 in layer L0, kind worker. */
  StateFixture row(long id, String state) {
    return row(id, "L0", "worker", 1, state);
  }

  StateFixture row(long id, String layer, String kind, int version, String state) {
    if (state.contains("'") || state.contains(";")) {
      throw new IllegalArgumentException("keep quotes and semicolons out of test states: " + state);
    }
    values.add(new Object[] {id, layer, kind, version, state});
    return this;
  }

  /**
   * Writes V1 (table and rows) and V2, a neuron-state step 'state-v2' whose keys after {@code type} are
   * {@code lines} (unindented YAML, such as "from-version: 1").
   */
  Plans step(String lines) {
    plans.file("V1__neurons.yaml", "steps:\n  - id: create-neurons\n    type: sql\n    sql:\n"
        + "      postgresql: |\n" + indent(script(postgresType, false), 8)
        + "      h2: |\n" + indent(script(h2Type, h2Type.equalsIgnoreCase("JSON")), 8));
    plans.file(STEP_FILE, "steps:\n  - id: state-v2\n    type: neuron-state\n" + indent(lines, 4));
    return plans;
  }

  /** The usual step: from version 1 to 2, with the given extra keys and ops. */
  Plans ops(String... ops) {
    return step("from-version: 1\nto-version: 2\nops:\n" + opLines(ops));
  }

  /** The ops of the demo plan's V4 (plans/demo/V4__neuron_state_v2.yaml), as lines of an {@code ops:} list. */
  static final String DEMO_OPS = opLines(
      "rename:    {from: threshold, to: firing_threshold}",
      "clamp:     {field: activation, min: 0.0, max: 1.0}",
      "multiply:  {field: bias, by: 0.5}",
      "set:       {field: health.latency_ms, value: 0}",
      "default:   {field: memory, value: []}",
      "remove:    {field: legacy}",
      "layer-map: {from: kind, map: {sensor: L1, worker: L2, planner: L3}, default: L2}");

  static String opLines(String... ops) {
    StringBuilder yaml = new StringBuilder();
    for (String op : ops) {
      yaml.append("  - ").append(op).append('\n');
    }
    return yaml.toString();
  }

  private String script(String stateType, boolean formatJson) {
    StringBuilder sql = new StringBuilder("CREATE TABLE neurons (id BIGINT PRIMARY KEY, layer VARCHAR(8) NOT NULL, "
        + "kind VARCHAR(32) NOT NULL, state " + stateType + " NOT NULL, state_version INT NOT NULL);\n");
    for (Object[] v : values) {
      // H2 stores a plain string literal in a JSON column as a JSON string; FORMAT JSON parses it.
      sql.append("INSERT INTO neurons VALUES (").append(v[0]).append(", '").append(v[1]).append("', '").append(v[2])
          .append("', '").append(v[4]).append("'").append(formatJson ? " FORMAT JSON" : "").append(", ").append(v[3])
          .append(");\n");
    }
    return sql.toString();
  }

  private static String indent(String text, int spaces) {
    StringBuilder out = new StringBuilder();
    text.lines().forEach(line -> out.append(" ".repeat(spaces)).append(line).append('\n'));
    return out.toString();
  }

  /** Every row's state text by id. */
  static Map<Long, String> states(TestDatabase db) throws SQLException {
    Map<Long, String> states = new LinkedHashMap<>();
    for (String row : db.queryRows("SELECT id, state FROM neurons ORDER BY id")) {
      int bar = row.indexOf('|');
      states.put(Long.valueOf(row.substring(0, bar)), row.substring(bar + 1));
    }
    return states;
  }

  static String state(TestDatabase db, long id) throws SQLException {
    return db.queryString("SELECT state FROM neurons WHERE id = " + id);
  }

  /** "id|layer|state_version" of every row. */
  static List<String> layersAndVersions(TestDatabase db) throws SQLException {
    return db.queryRows("SELECT id, layer, state_version FROM neurons ORDER BY id");
  }

  /** The row's state equals {@code expected} as JSON: any key order and spacing, but numbers digit for digit. */
  static void assertState(TestDatabase db, long id, String expected) throws SQLException {
    assertJson(state(db, id), expected, "state of row " + id);
  }

  static void assertJson(String actual, String expected, String what) {
    assertThat(canonical(actual)).as(what + ": " + actual).isEqualTo(canonical(expected));
  }

  /**
   * Objects as sorted maps and numbers as their exact decimal text (Jackson's own equality ignores scale,
   * which would let 0.0319 pass for 0.03190).
   */
  static Object canonical(String json) {
    try {
      return canonical(JSON.readTree(json));
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static Object canonical(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new TreeMap<>();
      node.fields().forEachRemaining(e -> map.put(e.getKey(), canonical(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(canonical(item)));
      return list;
    }
    if (node.isNumber()) {
      return new Num(node.decimalValue());
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    return node.toString();
  }

  /** A JSON number compared by its digits and scale. */
  record Num(String digits) {
    Num(BigDecimal value) {
      this(value.toString());
    }

    @Override
    public String toString() {
      return digits;
    }
  }
}
