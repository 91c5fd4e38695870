package io.hal9.migrate.engine.internal.steps.embedding;

import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.embedding;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLI child writing ngram-hash vectors in place into the bytes column of 3,000 memories keyed on random UUIDs is
 * killed with -9 past 1,000 rows: the rows up to the checkpoint's cursor (in the database's UUID order) hold their
 * new vector and have a snapshot, the rows after it still hold their old value. Run again, it ends with every row's
 * own vector, rows_done equal to the row count and one snapshot per row with content; a rollback then restores
 * every original value byte for byte.
 */
class EmbeddingKeysKillTest {
  private static final int COUNT = 3000;
  private static final int DIMENSIONS = 16;
  private static final String STEP = "embed-memories";
  private static final VectorType TYPE = VectorType.BYTES;
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @OnBothDatabases
  void killedMidStepAndResumedWritesEveryRowOnceAndRollsBackExactly(TestDatabase db, @TempDir Path dir) throws Exception {
    Plans plans = InPlaceEmbeddingTest.memoriesPlan(dir, db, TYPE);
    embedding(plans, "2", STEP, """
        table: memories
        key: id
        text: content
        target-column: embedding
        model: ngram-hash
        dimensions: 16
        batch-size: 50""");
    Cli cli = new Cli(db, plans.path());
    Cli.Result schema = cli.run("run", "--target", "1");
    assertThat(schema.exit()).as(schema.toString()).isZero();
    Map<String, String> contents = insertMemories(db, new Random(3));
    Map<String, String> original = rendered(db);
    NgramHashEmbedder embedder = new NgramHashEmbedder(DIMENSIONS);
    Map<String, String> expected = new HashMap<>();
    contents.forEach((id, content) -> expected.put(id, content == null ? null : TYPE.expected(embedder.embed(content))));
    long withText = expected.values().stream().filter(v -> v != null).count();

    List<CliProcess> children = new ArrayList<>();
    try {
      CliProcess child = start(children, db, plans, dir);
      child.awaitRows(1000, TIMEOUT);
      child.kill9();

      // Connect only with no child alive (on H2 an open connection would make this JVM the file's server).
      long rowsDone = db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = '" + STEP + "'");
      System.out.printf("in-place embedding on %s killed at %d rows committed (%d reported)%n", db.name(), rowsDone,
          child.reportedRows());
      assertThat(rowsDone).as("killed mid-step:\n%s", child).isPositive().isLessThan(COUNT);
      if (db.isPostgres()) {
        // H2 writes commits to its file in the background (WRITE_DELAY): a kill may undo the last few.
        assertThat(rowsDone).isGreaterThanOrEqualTo(child.reportedRows()).isGreaterThanOrEqualTo(1000);
      }
      List<String> order = db.queryRows("SELECT CAST(id AS VARCHAR(36)) FROM memories ORDER BY id");
      assertThat(db.queryString("SELECT cursor_value FROM hal9_steps WHERE step_id = '" + STEP + "'"))
          .isEqualTo("[\"" + order.get((int) rowsDone - 1) + "\"]");
      Map<String, String> killed = rendered(db);
      long written = 0;
      for (int i = 0; i < COUNT; i++) {
        String id = order.get(i);
        if (i < rowsDone && expected.get(id) != null) {
          written++;
          assertThat(exact(killed.get(id))).as("row %d (%s), before the cursor", i, id).isEqualTo(expected.get(id));
        } else {
          assertThat(killed.get(id)).as("row %d (%s), after the cursor or without text", i, id).isEqualTo(original.get(id));
        }
      }
      assertThat(snapshots(db)).as("one snapshot per row written before the kill").isEqualTo(written);

      CliProcess last = start(children, db, plans, dir);
      assertThat(last.waitFor(TIMEOUT)).as(last.toString()).isZero();
    } finally {
      for (CliProcess child : children) {
        child.kill9();
      }
    }

    Map<String, String> done = rendered(db);
    for (Map.Entry<String, String> row : expected.entrySet()) {
      if (row.getValue() == null) {
        assertThat(done.get(row.getKey())).as("%s has no text", row.getKey()).isEqualTo(original.get(row.getKey()));
      } else {
        assertThat(exact(done.get(row.getKey()))).as("vector of %s", row.getKey()).isEqualTo(row.getValue());
      }
    }
    assertThat(db.queryRows("SELECT state, rows_done FROM hal9_steps WHERE step_id = '" + STEP + "'"))
        .containsExactly("done|" + COUNT);
    assertThat(snapshots(db)).as("one snapshot per row with content, none twice").isEqualTo(withText);
    JsonNode step = cli.run("status", "--json").json().at("/versions/1/steps/0");
    assertThat(step.at("/counters/embedded").asLong()).isEqualTo(withText);
    assertThat(step.at("/counters/empty").asLong()).isEqualTo(COUNT - withText);

    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(rendered(db)).as("every value as it was before the step").isEqualTo(original);
    assertThat(snapshots(db)).isZero();
  }

  /**
   * {@link #COUNT} memories with random UUIDs: every tenth without text (empty or NULL), every third with bytes the
   * step did not write, the rest NULL. Returns each one's content by id.
   */
  private static Map<String, String> insertMemories(TestDatabase db, Random random) throws SQLException {
    Map<String, String> contents = new HashMap<>();
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO memories (id, neuron_id, content, embedding) VALUES (?, ?, ?, ?)")) {
      for (int k = 0; k < COUNT; k++) {
        UUID id = new UUID(random.nextLong(), random.nextLong());
        String content = k % 10 == 0 ? (k % 20 == 0 ? "" : null) : "memory " + k + " of neuron n-" + (k % 50) + " route L" + (1 + k % 9);
        byte[] previous = null;
        if (k % 3 == 0) {
          previous = new byte[4 * (1 + random.nextInt(DIMENSIONS))];
          random.nextBytes(previous);
        }
        ps.setObject(1, id);
        ps.setString(2, "n-" + (k % 50));
        ps.setString(3, content);
        TYPE.bind(c, ps, 4, previous);
        ps.addBatch();
        contents.put(id.toString(), content == null || content.isEmpty() ? null : content);
      }
      ps.executeBatch();
    }
    return contents;
  }

  private static Map<String, String> rendered(TestDatabase db) throws SQLException {
    return TYPE.rendered(db, "memories", "CAST(id AS VARCHAR(36))", "embedding");
  }

  /** The JDBC reading of a value {@link VectorType#rendered} rendered. */
  private static String exact(String rendered) {
    return rendered.substring(rendered.indexOf('|') + 1);
  }

  private static long snapshots(TestDatabase db) throws SQLException {
    return db.queryLong("SELECT count(*) FROM hal9_snapshots WHERE step_id = '" + STEP + "'");
  }

  private static CliProcess start(List<CliProcess> children, TestDatabase db, Plans plans, Path dir) {
    CliProcess child = CliProcess.start(dir.resolve("work"), "run", "--progress-interval", "0", "--url", db.url(),
        "--plans", plans.path().toString());
    children.add(child);
    return child;
  }
}
