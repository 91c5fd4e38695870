package io.hal9.migrate.engine.internal.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.TestDatabase;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;

/**
 * Neuron tables for partitioned steps: any key columns, each row's state {@code {"bias": B}} with B distinct and also
 * kept as text in {@code orig}, so a row doubled twice or never shows; and the checks of a step's hal9_partitions.
 */
final class PartitionFixture {
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private PartitionFixture() {}

  /** One partition's row, in partition order. */
  record Part(int number, String direction, String lower, String upper, String state, long rows, long expected) {}

  /**
   * The SQL creating {@code table} with {@code columns} (the key's, as SQL) and a row for each of {@code keys} (SQL
   * literals of the key columns, comma-separated); the K-th row's bias is 0.5 + K/10000.
   */
  static String table(TestDatabase db, String table, String columns, String primaryKey, List<String> keys) {
    StringBuilder sql = new StringBuilder("CREATE TABLE " + table + " (" + columns + ", layer VARCHAR(8) NOT NULL, state "
        + (db.isPostgres() ? "JSONB" : "JSON") + " NOT NULL, state_version INT NOT NULL, orig VARCHAR(20), PRIMARY KEY ("
        + primaryKey + "));\n");
    for (int from = 0; from < keys.size(); from += 500) {
      sql.append("INSERT INTO ").append(table).append(" VALUES\n");
      int to = Math.min(keys.size(), from + 500);
      for (int i = from; i < to; i++) {
        String bias = new BigDecimal("0.5000").add(new BigDecimal(i).movePointLeft(4)).toPlainString();
        sql.append("  (").append(keys.get(i)).append(", 'L2', '{\"bias\": ").append(bias).append("}'")
            .append(db.isPostgres() ? "" : " FORMAT JSON").append(", 1, '").append(bias).append("')")
            .append(i + 1 < to ? ",\n" : ";\n");
      }
    }
    return sql.toString();
  }

  /** A neuron-state step doubling each bias once and marking the row, in batches of {@code batchSize}. */
  static String stateStep(String id, String table, String key, int batchSize, int partitions) {
    return "  - id: " + id + "\n    type: neuron-state\n    table: " + table + "\n    key: " + key + "\n"
        + "    from-version: 1\n    to-version: 2\n    batch-size: " + batchSize + "\n"
        + (partitions > 1 ? "    partitions: " + partitions + "\n" : "")
        + "    ops:\n      - multiply: {field: bias, by: 2}\n      - set: {field: migrated, value: true}\n";
  }

  /** A plan file's steps, the SQL indented under one sql step. */
  static String sqlStep(String id, String sql) {
    StringBuilder yaml = new StringBuilder("  - id: " + id + "\n    type: sql\n    sql: |\n");
    sql.lines().forEach(line -> yaml.append("      ").append(line).append('\n'));
    return yaml.toString();
  }

  /** Every row of {@code table} at version 2 with exactly twice its original bias, and marked. */
  static void assertDoubledOnce(TestDatabase db, String table, int count) throws Exception {
    List<String> rows = db.queryRows("SELECT orig, state, state_version FROM " + table + " ORDER BY orig");
    assertThat(rows).as(table).hasSize(count);
    for (String row : rows) {
      String[] parts = row.split("\\|");
      JsonNode state = JSON.readTree(parts[1]);
      assertThat(state.get("bias").decimalValue()).as("bias of %s row %s: %s", table, parts[0], parts[1])
          .isEqualByComparingTo(new BigDecimal(parts[0]).multiply(BigDecimal.valueOf(2)));
      assertThat(state.get("migrated").asBoolean()).as("%s row %s marked", table, parts[0]).isTrue();
      assertThat(state.size()).as("%s row %s: %s", table, parts[0], parts[1]).isEqualTo(2);
      assertThat(parts[2]).as("version of %s row %s", table, parts[0]).isEqualTo("2");
    }
  }

  static List<Part> partitions(TestDatabase db, String step) throws SQLException {
    return db.queryRows("SELECT partition_no, direction, lower_key, upper_key, state, rows_done, rows_expected"
        + " FROM hal9_partitions WHERE step_id = '" + step + "' ORDER BY partition_no").stream().map(row -> {
          String[] c = row.split("\\|", -1);
          return new Part(Integer.parseInt(c[0]), c[1], nullable(c[2]), nullable(c[3]), c[4], Long.parseLong(c[5]),
              Long.parseLong(c[6]));
        }).toList();
  }

  /**
   * {@code count} apply partitions numbered 1..count, all done, their rows summing to {@code rows} and each as many
   * as it expected, about {@code rows / count} (within one); their ranges contiguous and open at both ends.
   */
  static List<Part> assertSplitAndDone(TestDatabase db, String step, int count, long rows) throws SQLException {
    List<Part> parts = partitions(db, step);
    assertThat(parts).as("partitions of %s", step).hasSize(count);
    for (int i = 0; i < parts.size(); i++) {
      Part part = parts.get(i);
      assertThat(part.number()).isEqualTo(i + 1);
      assertThat(part.direction()).isEqualTo("apply");
      assertThat(part.state()).as("%s", part).isEqualTo("done");
      assertThat(part.rows()).as("%s did the rows it was split with", part).isEqualTo(part.expected());
      assertThat((double) part.expected()).as("%s of %d rows", part, rows).isCloseTo((double) rows / count,
          org.assertj.core.data.Offset.offset(1.0));
      assertThat(part.lower()).as("%s starts where the one before ends", part).isEqualTo(i == 0 ? null : parts.get(i - 1).upper());
      if (i == parts.size() - 1) {
        assertThat(part.upper()).as("the last partition is open-ended").isNull();
      } else {
        assertThat(part.upper()).as("%s", part).isNotNull().startsWith("[");
      }
    }
    assertThat(parts.stream().mapToLong(Part::rows).sum()).isEqualTo(rows);
    return parts;
  }

  private static String nullable(String column) {
    return column.equals("null") ? null : column;
  }
}
