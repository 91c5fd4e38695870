package io.hal9.migrate.engine.internal.steps.state;

import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Neuron tables keyed the ways users key them: integers, numerics with fractions, text in the column's collation,
 * UUIDs inserted in random order, dates, timestamps with and without a time zone, and a composite key. Each row's
 * state is {@code {"bias": B}} with B distinct per row, so a test can tell a row transformed twice, or never.
 */
enum KeyShapes {
  BIGINT("id BIGINT", "id"),
  NUMERIC("id NUMERIC(10, 2)", "id"),
  /** On PostgreSQL in an ICU collation, where 'acme' < 'Zeta' (in C, 'Zeta' < 'acme'). */
  TEXT("id VARCHAR(40)", "id"),
  UUID_KEY("id UUID", "id"),
  DATE("id DATE", "id"),
  TIMESTAMP("id TIMESTAMP", "id"),
  TIMESTAMP_TZ("id TIMESTAMP WITH TIME ZONE", "id"),
  COMPOSITE("tenant VARCHAR(20), id INT", "[tenant, id]");

  private static final java.time.format.DateTimeFormatter SECONDS = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String[] WORDS = {"acme", "Zeta", "beta", "Alpha", "zulu", "Bravo", "_under", "delta-9", "Echo"};

  private final String columns;
  private final String key;

  KeyShapes(String columns, String key) {
    this.columns = columns;
    this.key = key;
  }

  /** The step's {@code key:} value. */
  String key() {
    return key;
  }

  /** The key values of {@code rows} rows as SQL literals (one or two per row), in a shuffled insertion order. */
  List<String> keys(int rows, boolean postgres, long seed) {
    List<String> keys = new ArrayList<>();
    Random random = new Random(seed);
    for (int i = 0; i < rows; i++) {
      keys.add(switch (this) {
        case BIGINT -> Long.toString(1000L * i + random.nextInt(999));
        case NUMERIC -> (i / 2 + 1) + (i % 2 == 0 ? "" : ".4");
        case TEXT -> "'" + WORDS[i % WORDS.length] + "-" + (i / WORDS.length) + "'";
        case UUID_KEY -> "'" + new UUID(random.nextLong(), random.nextLong()) + "'";
        case DATE -> "DATE '" + LocalDate.of(2025, 1, 1).plusDays(3L * i) + "'";
        case TIMESTAMP -> "TIMESTAMP '" + LocalDateTime.of(2025, 6, 1, 10, 0).plusMinutes(7L * i).format(SECONDS) + ".123456'";
        case TIMESTAMP_TZ -> (postgres ? "TIMESTAMPTZ '" : "TIMESTAMP WITH TIME ZONE '")
            + LocalDateTime.of(2025, 6, 1, 10, 0).plusMinutes(11L * i).format(SECONDS) + (i % 2 == 0 ? "+02:00" : "-05:00") + "'";
        case COMPOSITE -> "'" + WORDS[i % 3] + "', " + (i / 3 + 1);
      });
    }
    Collections.shuffle(keys, random);
    return keys;
  }

  /** The SQL of the table and its rows; {@code bias} of the row inserted K-th is 0.5 + K/100 (exact decimals). */
  String script(TestDatabase db, int rows, long seed) {
    String columnType = this == TEXT && db.isPostgres() ? columns + " COLLATE \"en-x-icu\"" : columns;
    String primary = this == COMPOSITE ? "tenant, id" : "id";
    StringBuilder sql = new StringBuilder("CREATE TABLE neurons (" + columnType + ", layer VARCHAR(8) NOT NULL, state "
        + (db.isPostgres() ? "JSONB" : "JSON") + " NOT NULL, state_version INT NOT NULL, orig VARCHAR(20), PRIMARY KEY ("
        + primary + "));\n");
    List<String> keys = keys(rows, db.isPostgres(), seed);
    sql.append("INSERT INTO neurons VALUES\n");
    for (int i = 0; i < keys.size(); i++) {
      String bias = bias(i);
      sql.append("  (").append(keys.get(i)).append(", 'L2', '{\"bias\": ").append(bias).append("}'")
          .append(db.isPostgres() ? "" : " FORMAT JSON").append(", 1, '").append(bias).append("')")
          .append(i + 1 < keys.size() ? ",\n" : ";\n");
    }
    return sql.toString();
  }

  /** 0.5000 + i/10000: distinct and exact for thousands of rows. */
  static String bias(int i) {
    return new java.math.BigDecimal("0.5000").add(new java.math.BigDecimal(i).movePointLeft(4)).toPlainString();
  }

  /** V1 (the table and its rows) and V2 (a neuron-state step doubling each bias once, in small batches). */
  Plans plans(Path dir, TestDatabase db, int rows, long seed, boolean pushdown, int batchSize) {
    Plans plans = Plans.in(dir);
    StringBuilder v1 = new StringBuilder("steps:\n  - id: create-neurons\n    type: sql\n    sql: |\n");
    script(db, rows, seed).lines().forEach(line -> v1.append("      ").append(line).append('\n'));
    plans.file("V1__neurons.yaml", v1.toString());
    plans.file("V2__state.yaml", "steps:\n  - id: state-v2\n    type: neuron-state\n    key: " + key + "\n"
        + "    from-version: 1\n    to-version: 2\n    batch-size: " + batchSize + "\n    pushdown: " + pushdown + "\n"
        + "    ops:\n      - multiply: {field: bias, by: 2}\n      - set: {field: migrated, value: true}\n");
    return plans;
  }
}
