package io.hal9.migrate.engine.internal.steps.embedding;

import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code target-column:} on a HAL9-like {@code memories} table keyed on random UUIDs, for every vector column type
 * of each database: each row with content ends with exactly the ngram-hash vector of its content (floats exact,
 * doubles the widened floats, bytes little-endian float32), rows without text keep their value, and rollback puts
 * every previous value back byte for byte (odd values too: NaN, infinities, subnormals, -0, empty, other
 * dimensions, stray bytes), NULLs as NULL, leaving no snapshot behind; the step can then be run again. A NUMERIC
 * key with fractions writes each vector into its own row, not the row its key rounds to.
 */
class InPlaceEmbeddingTest {
  private static final int ROWS = 50;
  private static final int DIMENSIONS = 8;
  private static final String STEP = "embed-memories";

  @TempDir Path dir;

  static Stream<Arguments> databasesAndTypes() {
    return Stream.of(VectorType.values())
        .flatMap(type -> OnBothDatabases.Provider.databases().map(db -> Arguments.of(db, type)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("databasesAndTypes")
  void writesEachRowsVectorIntoItsColumnAndRollbackRestoresEveryPreviousValue(TestDatabase db, VectorType type) throws Exception {
    Plans plans = memoriesPlan(dir, db, type);
    embedding(plans, "2", STEP, """
        table: memories
        key: id
        text: content
        target-column: embedding
        model: ngram-hash
        dimensions: 8
        batch-size: 7""");
    Cli cli = new Cli(db, plans.path());
    Cli.Result schema = cli.run("run", "--target", "1");
    assertThat(schema.exit()).as(schema.toString()).isZero();
    Map<UUID, String> contents = insertMemories(db, type, new Random(42));
    Map<String, String> before = type.rendered(db, "memories", "CAST(id AS VARCHAR(36))", "embedding");
    assertThat(before).hasSize(ROWS);
    assertThat(before.values().stream().filter(v -> v.equals("null|null")).count()).as("rows with NULL").isGreaterThan(5);

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    Map<String, String> after = type.rendered(db, "memories", "CAST(id AS VARCHAR(36))", "embedding");
    NgramHashEmbedder embedder = new NgramHashEmbedder(DIMENSIONS);
    long withText = 0;
    for (Map.Entry<UUID, String> row : contents.entrySet()) {
      String id = row.getKey().toString();
      String content = row.getValue();
      if (content == null || content.isBlank()) {
        assertThat(after.get(id)).as("row %s without text is untouched", id).isEqualTo(before.get(id));
      } else {
        withText++;
        assertThat(after.get(id).substring(after.get(id).indexOf('|') + 1)).as("vector of %s (%s)", id, content)
            .isEqualTo(type.expected(embedder.embed(content)));
      }
    }
    assertThat(withText).isEqualTo(ROWS - 2);
    JsonNode step = cli.run("status", "--json").json().at("/versions/1/steps/0");
    assertThat(step.get("state").asText()).isEqualTo("done");
    assertThat(step.get("rows").asLong()).isEqualTo(ROWS);
    assertThat(step.at("/counters/embedded").asLong()).isEqualTo(withText);
    assertThat(step.at("/counters/empty").asLong()).isEqualTo(2);
    assertThat(step.at("/counters/snapshots").asBoolean()).isTrue();
    assertThat(snapshots(db)).as("one snapshot per row written").isEqualTo(withText);

    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(type.rendered(db, "memories", "CAST(id AS VARCHAR(36))", "embedding"))
        .as("every value as it was before the step").isEqualTo(before);
    assertThat(snapshots(db)).isZero();
    assertThat(cli.run("status", "--json").json().at("/versions/1/state").asText()).isEqualTo("rolled_back");

    // Applied again after the rollback: the same vectors again, and snapshots of the restored values.
    Cli.Result again = cli.run("run");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(type.rendered(db, "memories", "CAST(id AS VARCHAR(36))", "embedding")).isEqualTo(after);
    assertThat(snapshots(db)).isEqualTo(withText);
  }

  /**
   * A NUMERIC key with fractions (1.5 next to 2, 10.125 next to 10): each vector lands on its own row, not on the
   * row its key rounds to, and rollback restores every row.
   */
  @OnBothDatabases
  void aNumericKeyWithFractionsWritesEveryVectorIntoItsOwnRow(TestDatabase db) throws Exception {
    VectorType type = VectorType.REAL;
    Plans plans = Plans.in(dir.resolve("plans")).file("V1__readings.yaml", "steps:\n  - id: create-readings\n    type: sql\n"
        + "    sql: CREATE TABLE readings (id NUMERIC(12, 3) PRIMARY KEY, content TEXT, embedding " + type.sql(db) + ")\n");
    embedding(plans, "2", STEP, """
        table: readings
        key: id
        text: content
        target-column: embedding
        model: ngram-hash
        dimensions: 8
        batch-size: 3""");
    Cli cli = new Cli(db, plans.path());
    assertThat(cli.run("run", "--target", "1").exit()).isZero();
    String[] ids = {"1.5", "2", "2.25", "-3.5", "10.125", "10", "0.001", "100", "99.999", "7"};
    Map<String, String> contents = new LinkedHashMap<>();
    Random random = new Random(5);
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO readings VALUES (?, ?, ?)")) {
      for (int k = 0; k < ids.length; k++) {
        BigDecimal id = new BigDecimal(ids[k]).setScale(3);
        ps.setBigDecimal(1, id);
        ps.setString(2, "reading " + ids[k] + " of sensor " + (k % 3));
        type.bind(c, ps, 3, k % 2 == 0 ? previous(type, k, random) : null);
        ps.addBatch();
        contents.put(id.toPlainString(), "reading " + ids[k] + " of sensor " + (k % 3));
      }
      ps.executeBatch();
    }
    Map<String, String> before = type.rendered(db, "readings", "CAST(id AS VARCHAR(20))", "embedding");
    assertThat(before.keySet()).containsExactlyInAnyOrderElementsOf(contents.keySet());

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    Map<String, String> after = type.rendered(db, "readings", "CAST(id AS VARCHAR(20))", "embedding");
    NgramHashEmbedder embedder = new NgramHashEmbedder(DIMENSIONS);
    for (Map.Entry<String, String> row : contents.entrySet()) {
      assertThat(after.get(row.getKey()).substring(after.get(row.getKey()).indexOf('|') + 1)).as("vector of %s", row.getKey())
          .isEqualTo(type.expected(embedder.embed(row.getValue())));
    }
    assertThat(snapshots(db)).isEqualTo(ids.length);

    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(type.rendered(db, "readings", "CAST(id AS VARCHAR(20))", "embedding")).isEqualTo(before);
    assertThat(snapshots(db)).isZero();
  }

  /** V1: the memories table, its embedding column of {@code type}. */
  static Plans memoriesPlan(Path dir, TestDatabase db, VectorType type) {
    return Plans.in(dir.resolve("plans")).file("V1__memories.yaml", "steps:\n  - id: create-memories\n    type: sql\n    sql: >-\n"
        + "      CREATE TABLE memories (id UUID PRIMARY KEY, neuron_id VARCHAR(255), content TEXT, embedding "
        + type.sql(db) + ")\n    undo: DROP TABLE memories\n");
  }

  /**
   * {@link #ROWS} memories with random UUIDs, inserted in the order drawn (not key order): one with empty content and
   * one with none (both with a value in the column), the others with content; every third holds a vector the step
   * did not write, the rest NULL.
   */
  private static Map<UUID, String> insertMemories(TestDatabase db, VectorType type, Random random) throws SQLException {
    Map<UUID, String> contents = new LinkedHashMap<>();
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO memories (id, neuron_id, content, embedding) VALUES (?, ?, ?, ?)")) {
      for (int k = 0; k < ROWS; k++) {
        UUID id = new UUID(random.nextLong(), random.nextLong());
        String content = k == 10 ? "" : k == 20 ? null : "memory " + k + " of neuron n-" + (k % 7) + ": " + words(random);
        Object previous = k == 10 || k == 20 || k % 3 == 0 ? previous(type, k, random) : null;
        ps.setObject(1, id);
        ps.setString(2, "n-" + (k % 7));
        ps.setString(3, content);
        type.bind(c, ps, 4, previous);
        ps.addBatch();
        contents.put(id, content);
      }
      ps.executeBatch();
    }
    return contents;
  }

  private static String words(Random random) {
    String[] vocabulary = {"route", "L3", "signals", "planner", "reflex", "emergency", "memory", "weights", "bias"};
    List<String> words = new ArrayList<>();
    for (int i = 0; i < 3 + random.nextInt(4); i++) {
      words.add(vocabulary[random.nextInt(vocabulary.length)]);
    }
    return String.join(" ", words);
  }

  /** A value the step did not write, distinctive, and for some rows odd. */
  static Object previous(VectorType type, int k, Random random) {
    return switch (type) {
      case REAL -> switch (k % 4) {
        case 0 -> new float[] {0.1f, -2.5e-4f, Float.MIN_VALUE, 1f / 3, -0.0f, 123456.78f, Float.MAX_VALUE, -1e-38f};
        case 1 -> new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        case 2 -> new float[0];
        default -> new float[] {random.nextFloat(), -random.nextFloat(), k};
      };
      case DOUBLE -> switch (k % 4) {
        case 0 -> new double[] {0.1, 1 / 3.0, -0.0, 1e-310, Math.PI, Double.MAX_VALUE, -Double.MIN_NORMAL, 1e300};
        case 1 -> new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        case 2 -> new double[0];
        default -> new double[] {random.nextDouble(), -random.nextDouble(), k};
      };
      case BYTES -> {
        byte[] bytes = new byte[k % 4 == 2 ? 0 : k % 4 == 1 ? 5 : 32];
        random.nextBytes(bytes);
        yield bytes;
      }
    };
  }

  private static long snapshots(TestDatabase db) throws SQLException {
    return db.queryLong("SELECT count(*) FROM hal9_snapshots WHERE step_id = '" + STEP + "'");
  }
}
