package io.hal9.migrate.engine.internal.steps.embedding;

import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.embedding;
import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.labelled;
import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedding step writing to a vectors table that already holds vectors, of its own model for some keys and of
 * another model for others: rollback puts each vector of the model the step replaced back exactly (vector, dim
 * and created_at, NULLs too), deletes only the vectors the step created, and leaves the other model's rows and
 * the rows of keys the step did not write alone (rollback once deleted every vector of the model). The same with
 * a two-column key ({@code [tenant, id]} to {@code [tenant, neuron_id]}), a UUID key, and a NUMERIC key with
 * fractions (each vector under its own key, not the one it rounds to).
 */
class EmbeddingTableRollbackTest {
  private static final String MODEL = "ngram-hash";
  private static final String OTHER = "all-minilm-l6-v2";
  private static final String STEP = "embed";
  private static final int DIMENSIONS = 8;

  @TempDir Path dir;

  @OnBothDatabases
  void rollbackRestoresTheModelsPreviousVectorsDeletesTheNewOnesAndLeavesTheOtherModel(TestDatabase db) throws Exception {
    // Neurons 1..40 labelled 'label number K', 900001..900003 without text, 900004 labelled 42.
    Plans plans = labelled(dir, 40, 40);
    embedding(plans, "3", STEP, "model: ngram-hash\ndimensions: 8\nbatch-size: 7");
    Cli cli = new Cli(db, plans.path());
    assertThat(cli.run("run", "--target", "2").exit()).isZero();
    Map<String, String> texts = new LinkedHashMap<>();
    for (int k = 1; k <= 40; k++) {
      texts.put(Long.toString(k), "label number " + k);
    }
    texts.put("900001", null);
    texts.put("900002", null);
    texts.put("900003", null);
    texts.put("900004", "42");

    Random random = new Random(7);
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO neuron_embeddings (neuron_id, model, dim, vector, created_at) VALUES (?, ?, ?, ?, ?)")) {
      // The model's own vectors for every third neuron, for one without text and for one that is no neuron.
      long[] own = {1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 900001, 900004, 777777};
      for (int i = 0; i < own.length; i++) {
        float[] vector = (float[]) InPlaceEmbeddingTest.previous(VectorType.REAL, i, random);
        addVector(c, ps, own[i], MODEL, i % 5 == 0 ? DIMENSIONS : 90 + i, vector, i);
      }
      for (long id = 2; id <= 40; id += 2) {
        addVector(c, ps, id, OTHER, 384, new float[] {id, -0.5f, random.nextFloat()}, (int) id);
      }
      ps.executeBatch();
    }

    Scenario scenario = new Scenario(db, cli, "neuron_embeddings", VectorType.REAL, List.of("neuron_id"), texts);
    Map<String, Stored> before = scenario.rows();
    assertThat(before.keySet().stream().filter(k -> k.endsWith("/" + MODEL)).count()).isEqualTo(17);
    scenario.runAndRollBack("2");
  }

  @OnBothDatabases
  void aTwoColumnKeyMapsOntoATwoColumnTargetKey(TestDatabase db) throws Exception {
    VectorType type = VectorType.DOUBLE;
    Plans plans = Plans.in(dir.resolve("plans")).file("V1__docs.yaml", "steps:\n  - id: create-docs\n    type: sql\n    sql: >-\n"
        + "      CREATE TABLE docs (tenant VARCHAR(32) NOT NULL, id BIGINT NOT NULL, body TEXT, PRIMARY KEY (tenant, id));\n"
        + "      CREATE TABLE doc_embeddings (tenant VARCHAR(32) NOT NULL, neuron_id BIGINT NOT NULL, model VARCHAR(64) NOT NULL,"
        + " dim INT, vector " + type.sql(db) + ", created_at TIMESTAMP, PRIMARY KEY (tenant, neuron_id, model))\n");
    embedding(plans, "2", STEP, """
        table: docs
        key: [tenant, id]
        text: body
        target: doc_embeddings
        target-key: [tenant, neuron_id]
        model: ngram-hash
        dimensions: 8
        batch-size: 4""");
    Cli cli = new Cli(db, plans.path());
    Cli.Result schema = cli.run("run", "--target", "1");
    assertThat(schema.exit()).as(schema.toString()).isZero();

    // The same ids under every tenant, with different texts: only the pair says which vector is whose.
    Map<String, String> texts = new LinkedHashMap<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO docs VALUES (?, ?, ?)")) {
      for (String tenant : List.of("initech", "acme", "globex")) {
        for (long id = 1; id <= 9; id++) {
          String body = id == 6 ? "  " : tenant + " document " + id + " on " + (id % 2 == 0 ? "routing" : "planning");
          ps.setString(1, tenant);
          ps.setLong(2, id);
          ps.setString(3, body);
          ps.addBatch();
          texts.put(tenant + "/" + id, body.isBlank() ? null : body);
        }
      }
      ps.executeBatch();
    }
    Random random = new Random(11);
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO doc_embeddings (tenant, neuron_id, model, dim, vector, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
      Object[][] rows = {
          {"acme", 3L, MODEL}, {"globex", 3L, MODEL}, {"initech", 1L, MODEL}, {"initech", 9L, MODEL}, {"acme", 6L, MODEL},
          {"globex", 7L, MODEL}, {"acme", 3L, OTHER}, {"globex", 5L, OTHER}, {"initech", 3L, OTHER}};
      for (int i = 0; i < rows.length; i++) {
        ps.setString(1, (String) rows[i][0]);
        ps.setLong(2, (Long) rows[i][1]);
        ps.setString(3, (String) rows[i][2]);
        boolean nulls = i == 5; // a row with nothing but its key and model
        if (nulls) {
          ps.setNull(4, Types.INTEGER);
        } else {
          ps.setInt(4, 100 + i);
        }
        type.bind(c, ps, 5, nulls ? null : InPlaceEmbeddingTest.previous(type, i, random));
        ps.setObject(6, nulls ? null : LocalDateTime.of(2021, 3, 1 + i, 10, 20, 30, 654_321_000));
        ps.addBatch();
      }
      ps.executeBatch();
    }
    new Scenario(db, cli, "doc_embeddings", type, List.of("tenant", "neuron_id"), texts).runAndRollBack("1");
  }

  @OnBothDatabases
  void aUuidKeyMapsOntoAUuidTargetKey(TestDatabase db) throws Exception {
    VectorType type = VectorType.BYTES;
    Plans plans = Plans.in(dir.resolve("plans")).file("V1__memories.yaml", "steps:\n  - id: create-memories\n    type: sql\n    sql: >-\n"
        + "      CREATE TABLE memories (id UUID PRIMARY KEY, neuron_id VARCHAR(255), content TEXT);\n"
        + "      CREATE TABLE memory_embeddings (memory_id UUID NOT NULL, model VARCHAR(64) NOT NULL, dim INT NOT NULL,"
        + " vector " + type.sql(db) + " NOT NULL, created_at TIMESTAMP NOT NULL, PRIMARY KEY (memory_id, model))\n");
    embedding(plans, "2", STEP, """
        table: memories
        key: id
        text: content
        target: memory_embeddings
        target-key: memory_id
        model: ngram-hash
        dimensions: 8
        batch-size: 6""");
    Cli cli = new Cli(db, plans.path());
    Cli.Result schema = cli.run("run", "--target", "1");
    assertThat(schema.exit()).as(schema.toString()).isZero();

    Random random = new Random(13);
    Map<String, String> texts = new LinkedHashMap<>();
    try (Connection c = db.connect();
        PreparedStatement memories = c.prepareStatement("INSERT INTO memories VALUES (?, ?, ?)");
        PreparedStatement vectors = c.prepareStatement("INSERT INTO memory_embeddings VALUES (?, ?, ?, ?, ?)")) {
      for (int k = 0; k < 30; k++) {
        UUID id = new UUID(random.nextLong(), random.nextLong());
        String content = k == 4 ? "" : "memory " + k + " of neuron n-" + (k % 5);
        memories.setObject(1, id);
        memories.setString(2, "n-" + (k % 5));
        memories.setString(3, content);
        memories.addBatch();
        texts.put(id.toString(), content.isEmpty() ? null : content);
        for (String model : k % 3 == 1 ? List.of(MODEL) : k % 3 == 2 ? List.of(MODEL, OTHER) : List.<String>of()) {
          vectors.setObject(1, id);
          vectors.setString(2, model);
          vectors.setInt(3, 200 + k);
          type.bind(c, vectors, 4, InPlaceEmbeddingTest.previous(type, k, random));
          vectors.setObject(5, LocalDateTime.of(2022, 7, 1 + k, 8, 9, 10, k * 1000));
          vectors.addBatch();
        }
      }
      memories.executeBatch();
      vectors.executeBatch();
    }
    new Scenario(db, cli, "memory_embeddings", type, List.of("memory_id"), texts).runAndRollBack("1");
  }

  /** A NUMERIC key with fractions (1.5 next to 2): each vector is upserted under its own key, not the one it rounds to. */
  @OnBothDatabases
  void aNumericKeyWithFractionsMapsOntoANumericTargetKey(TestDatabase db) throws Exception {
    VectorType type = VectorType.REAL;
    Plans plans = Plans.in(dir.resolve("plans")).file("V1__readings.yaml", "steps:\n  - id: create-readings\n    type: sql\n    sql: >-\n"
        + "      CREATE TABLE readings (id NUMERIC(12, 3) PRIMARY KEY, note TEXT);\n"
        + "      CREATE TABLE reading_embeddings (reading_id NUMERIC(12, 3) NOT NULL, model VARCHAR(64) NOT NULL, dim INT NOT NULL,"
        + " vector " + type.sql(db) + " NOT NULL, created_at TIMESTAMP NOT NULL, PRIMARY KEY (reading_id, model))\n");
    embedding(plans, "2", STEP, """
        table: readings
        key: id
        text: note
        target: reading_embeddings
        target-key: reading_id
        model: ngram-hash
        dimensions: 8
        batch-size: 3""");
    Cli cli = new Cli(db, plans.path());
    Cli.Result schema = cli.run("run", "--target", "1");
    assertThat(schema.exit()).as(schema.toString()).isZero();

    String[] ids = {"1.5", "2", "2.25", "-3.5", "10.125", "10", "0.001", "100", "99.999"};
    Random random = new Random(17);
    Map<String, String> texts = new LinkedHashMap<>();
    try (Connection c = db.connect();
        PreparedStatement readings = c.prepareStatement("INSERT INTO readings VALUES (?, ?)");
        PreparedStatement vectors = c.prepareStatement("INSERT INTO reading_embeddings VALUES (?, ?, ?, ?, ?)")) {
      for (int k = 0; k < ids.length; k++) {
        BigDecimal id = new BigDecimal(ids[k]).setScale(3);
        readings.setBigDecimal(1, id);
        readings.setString(2, "reading " + ids[k]);
        readings.addBatch();
        texts.put(id.toPlainString(), "reading " + ids[k]);
        for (String model : k % 3 == 0 ? List.of(MODEL) : k % 3 == 1 ? List.of(OTHER) : List.<String>of()) {
          vectors.setBigDecimal(1, id);
          vectors.setString(2, model);
          vectors.setInt(3, 300 + k);
          type.bind(c, vectors, 4, InPlaceEmbeddingTest.previous(type, k, random));
          vectors.setObject(5, LocalDateTime.of(2023, 2, 1 + k, 4, 5, 6, 789_000));
          vectors.addBatch();
        }
      }
      readings.executeBatch();
      vectors.executeBatch();
    }
    new Scenario(db, cli, "reading_embeddings", type, List.of("reading_id"), texts).runAndRollBack("1");
  }

  private static void addVector(Connection c, PreparedStatement ps, long id, String model, int dim, float[] vector, int i)
      throws SQLException {
    ps.setLong(1, id);
    ps.setString(2, model);
    ps.setInt(3, dim);
    VectorType.REAL.bind(c, ps, 4, vector);
    ps.setObject(5, LocalDateTime.of(2020, 1 + i % 12, 1 + i % 28, 3, 4, 5, 123_456_000 + i * 1000));
    ps.addBatch();
  }

  /** A row of a vectors table: dim and created_at as the database prints them, the vector as {@link VectorType} does. */
  record Stored(String dim, String createdAt, String vector, String exact) {}

  /**
   * The step over a vectors table whose key columns are {@code keys}, and the source rows' texts by key (the key
   * columns' text joined with '/'; null where there is no text).
   */
  private record Scenario(TestDatabase db, Cli cli, String table, VectorType type, List<String> keys, Map<String, String> texts) {

    /** Every row of the table by key and model ({@code acme/3/ngram-hash}). */
    Map<String, Stored> rows() throws SQLException {
      String key = keys.stream().map(k -> "CAST(" + k + " AS VARCHAR(64))").collect(Collectors.joining(", "));
      Map<String, Stored> rows = new LinkedHashMap<>();
      try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT " + key + ", model, CAST(dim AS VARCHAR(12)),"
          + " CAST(created_at AS VARCHAR(40)), " + type.text(db, "vector") + ", vector FROM " + table); ResultSet r = ps.executeQuery()) {
        int n = keys.size();
        while (r.next()) {
          StringBuilder k = new StringBuilder();
          for (int i = 1; i <= n + 1; i++) {
            k.append(i > 1 ? "/" : "").append(r.getString(i));
          }
          Stored previous = rows.put(k.toString(), new Stored(r.getString(n + 2), r.getString(n + 3), r.getString(n + 4), type.exact(r, n + 5)));
          assertThat(previous).as("one row per key and model: %s", k).isNull();
        }
      }
      return rows;
    }

    /** Runs the step (after {@code version}), checks its vectors, rolls back to {@code version}, checks the table is as before. */
    void runAndRollBack(String version) throws Exception {
      Map<String, Stored> before = rows();
      long ownBefore = before.keySet().stream().filter(k -> k.endsWith("/" + MODEL)).count();
      assertThat(before.keySet().stream().filter(k -> k.endsWith("/" + OTHER)).count()).as("the other model's rows").isPositive();
      long overwritten = before.keySet().stream()
          .filter(k -> k.endsWith("/" + MODEL) && texts.get(k.substring(0, k.length() - MODEL.length() - 1)) != null).count();
      assertThat(overwritten).as("rows of the model the step replaces").isGreaterThanOrEqualTo(3);

      Cli.Result run = cli.run("run");
      assertThat(run.exit()).as(run.toString()).isZero();
      Map<String, Stored> after = rows();
      NgramHashEmbedder embedder = new NgramHashEmbedder(DIMENSIONS);
      long withText = 0;
      for (Map.Entry<String, String> source : texts.entrySet()) {
        String key = source.getKey() + "/" + MODEL;
        if (source.getValue() == null) {
          assertThat(after.get(key)).as("%s has no text: its row (or none) is untouched", key).isEqualTo(before.get(key));
          continue;
        }
        withText++;
        assertThat(after.get(key)).as("vector of %s", key).isNotNull();
        assertThat(after.get(key).dim()).as("dim of %s", key).isEqualTo(Integer.toString(DIMENSIONS));
        assertThat(after.get(key).exact()).as("vector of %s (%s)", key, source.getValue())
            .isEqualTo(type.expected(embedder.embed(source.getValue())));
      }
      for (Map.Entry<String, Stored> row : before.entrySet()) {
        String key = row.getKey();
        if (!key.endsWith("/" + MODEL) || texts.get(key.substring(0, key.length() - MODEL.length() - 1)) == null) {
          assertThat(after.get(key)).as("%s is not the step's to write", key).isEqualTo(row.getValue());
        }
      }
      assertThat(after).hasSize(before.size() + (int) (withText - overwritten));
      assertThat(snapshots()).as("one snapshot per vector written").isEqualTo(withText);

      Cli.Result rollback = cli.run("rollback", "--to", version);
      assertThat(rollback.exit()).as(rollback.toString()).isZero();
      Map<String, Stored> restored = rows();
      assertThat(restored.keySet().stream().filter(k -> k.endsWith("/" + MODEL)).count())
          .as("the model's vectors from before the step are still there").isEqualTo(ownBefore);
      assertThat(restored).as("every row as it was before the step").isEqualTo(before);
      assertThat(snapshots()).isZero();
    }

    long snapshots() throws SQLException {
      return db.queryLong("SELECT count(*) FROM hal9_snapshots WHERE step_id = '" + STEP + "'");
    }
  }
}
