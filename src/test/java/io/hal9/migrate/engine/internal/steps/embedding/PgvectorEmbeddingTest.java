package io.hal9.migrate.engine.internal.steps.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vectors in pgvector's {@code vector(n)}, where the extension is installed on the test server (it is not a Debian
 * package; elsewhere these tests are skipped, saying so): written in place, rolled back to the previous text of
 * each value exactly, a column of the wrong dimension refused before any write, and plans/hal9 choosing
 * {@code vector(384)} for its memories when the extension is there.
 */
class PgvectorEmbeddingTest {
  @TempDir Path dir;

  @Test
  void vectorsWrittenInPlaceAndRolledBackToThePreviousValues() throws Exception {
    try (TestDatabase db = withPgvector()) {
      db.execute("CREATE TABLE memories (id UUID PRIMARY KEY, content TEXT, embedding vector(8))");
      db.execute("INSERT INTO memories SELECT md5(g::text)::uuid, 'memory number ' || g, CASE WHEN g % 3 = 0"
          + " THEN '[1,2,3,4,5,6,7,0.123456789]'::vector END FROM generate_series(1, 40) g");
      List<String> before = db.queryRows("SELECT id, embedding::text FROM memories ORDER BY id");
      Cli cli = new Cli(db, plan(8).path());

      Cli.Result run = cli.run("run");
      assertThat(run.exit()).as(run.toString()).isZero();
      NgramHashEmbedder ngram = new NgramHashEmbedder(8);
      for (String row : db.queryRows("SELECT content, embedding::text FROM memories")) {
        String[] parts = row.split("\\|");
        assertThat(parts[1]).as(parts[0]).isEqualTo(text(ngram.embed(parts[0])));
      }

      Cli.Result rollback = cli.run("rollback", "--to", "0");
      assertThat(rollback.exit()).as(rollback.toString()).isZero();
      assertThat(db.queryRows("SELECT id, embedding::text FROM memories ORDER BY id")).isEqualTo(before);
    }
  }

  @Test
  void aVectorColumnOfAnotherDimensionIsRefusedBeforeAnyWrite() throws Exception {
    try (TestDatabase db = withPgvector()) {
      db.execute("CREATE TABLE memories (id UUID PRIMARY KEY, content TEXT, embedding vector(1536))");
      db.execute("INSERT INTO memories VALUES (gen_random_uuid(), 'a memory', NULL)");

      Cli.Result run = new Cli(db, plan(8).path()).run("run", "--json");
      assertThat(run.exit()).as(run.toString()).isEqualTo(2);
      assertThat(run.json().at("/error/code").asText()).isEqualTo("PLAN_INVALID");
      assertThat(run.json().at("/error/message").asText()).endsWith("step 'embed' key 'target-column': column"
          + " memories.embedding (vector(1536)) has 1536 dimensions, but the model's vectors have 8");
      assertThat(db.tables()).noneMatch(t -> t.startsWith("hal9_"));
    }
  }

  @Test
  void hal9PlanGivesItsMemoriesAVector384ColumnWherePgvectorIsInstalled() throws Exception {
    try (TestDatabase db = withPgvector()) {
      Plans plans = Plans.in(dir.resolve("hal9"));
      try (Stream<Path> files = Files.list(Path.of("plans/hal9"))) {
        files.filter(f -> f.toString().endsWith(".yaml")).forEach(f -> plans.copy(f, f.getFileName().toString()));
      }
      Cli.Result run = new Cli(db, plans.path()).run("run", "--target", "5");
      assertThat(run.exit()).as(run.toString()).isZero();
      assertThat(db.queryString("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
          + " WHERE attrelid = 'memories'::regclass AND attname = 'embedding'")).isEqualTo("vector(384)");
      assertThat(db.queryRows("SELECT vector_dims(embedding), count(*) FROM memories GROUP BY 1")).containsExactly("384|5000");
    }
  }

  private Plans plan(int dimensions) {
    return Plans.in(dir.resolve("plans")).file("V1__embed.yaml", "steps:\n  - id: embed\n    type: embedding\n"
        + "    table: memories\n    key: id\n    text: content\n    model: ngram-hash\n    dimensions: " + dimensions
        + "\n    target-column: embedding\n    batch-size: 7\n");
  }

  /** pgvector's text form of a vector, as the server prints it. */
  private static String text(float[] vector) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < vector.length; i++) {
      text.append(i == 0 ? "" : ",").append(vector[i] == (long) vector[i] ? Long.toString((long) vector[i]) : Float.toString(vector[i]));
    }
    return text.append(']').toString();
  }

  /** A fresh PostgreSQL database with the extension, or the test skipped where the server has none. */
  private static TestDatabase withPgvector() throws Exception {
    TestDatabase db = TestDatabase.postgres();
    try {
      db.execute("CREATE EXTENSION vector");
    } catch (java.sql.SQLException e) {
      db.close();
      Assumptions.abort("pgvector is not installed on the test PostgreSQL: " + e.getMessage());
    }
    return db;
  }
}
