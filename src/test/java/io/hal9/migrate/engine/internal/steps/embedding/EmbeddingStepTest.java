package io.hal9.migrate.engine.internal.steps.embedding;

import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.duplicates;
import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.embedding;
import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.labelled;
import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.vectors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.io.TempDir;

/** The embedding step end to end through the CLI: vectors, counters in status, cache statistics, empty texts. */
class EmbeddingStepTest {
  @TempDir Path dir;

  @OnBothDatabases
  void embedsEveryLabelOnceSkipsEmptyTextsAndReportsItsCounters(TestDatabase db) throws Exception {
    Plans plans = embedding(labelled(dir, 300, 300), "3", "embed", "model: ngram-hash\ndimensions: 64\nbatch-size: 70");
    Cli cli = new Cli(db, plans.path());
    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();

    // 300 labels and the number 42 (a JSON number has text too); "", "   " and no label are skipped.
    assertThat(vectors(db, "ngram-hash")).isEqualTo(301);
    assertThat(db.queryLong("SELECT count(*) FROM neuron_embeddings WHERE neuron_id IN (900001, 900002, 900003)")).isZero();
    assertThat(db.queryLong("SELECT min(dim) FROM neuron_embeddings")).isEqualTo(64);
    assertThat(db.queryLong("SELECT max(dim) FROM neuron_embeddings")).isEqualTo(64);
    assertThat(duplicates(db)).isZero();
    // The stored vector is the embedder's, float for float.
    assertThat(storedVector(db, 17)).containsExactly(new NgramHashEmbedder(64).embed("label number 17"), within(0f));

    JsonNode step = cli.run("status", "--json").json().at("/versions/2/steps/0");
    assertThat(step.get("state").asText()).isEqualTo("done");
    assertThat(step.get("rows").asLong()).isEqualTo(304);
    JsonNode counters = step.get("counters");
    assertThat(counters.get("embedded").asLong()).isEqualTo(301);
    assertThat(counters.get("empty").asLong()).isEqualTo(3);
    assertThat(counters.get("cacheMisses").asLong()).isEqualTo(301);
    assertThat(counters.get("cacheHits").asLong()).isZero();
    assertThat(counters.has("cacheHitRate")).isTrue();
    assertThat(counters.has("cacheEvictions")).isTrue();
    assertThat(cli.run("status").out()).contains("(embedded 301, empty 3, cacheHits 0, cacheMisses 301");
  }

  @OnBothDatabases
  void fortyPercentDuplicateLabelsWithACacheLargerThanTheDistinctOnesHitAtLeast39Percent(TestDatabase db) throws Exception {
    // 1,000 rows, 600 distinct labels: rows 601..1000 repeat one each.
    Plans plans = embedding(labelled(dir, 1000, 600), "3", "embed", "model: ngram-hash\ncache-size: 1000\nbatch-size: 128");
    Cli cli = new Cli(db, plans.path());
    assertThat(cli.run("run").exit()).isZero();
    JsonNode counters = cli.run("status", "--json").json().at("/versions/2/steps/0/counters");
    assertThat(counters.get("cacheHitRate").asDouble()).as(counters.toString()).isGreaterThanOrEqualTo(0.39);
    assertThat(counters.get("cacheHits").asLong()).isEqualTo(400);
    assertThat(counters.get("cacheEvictions").asLong()).isZero();
    assertThat(vectors(db, "ngram-hash")).isEqualTo(1001);

    // A cache smaller than the distinct labels evicts, and hits less.
    Plans small = embedding(labelled(dir.resolve("small"), 1000, 600), "3", "embed", "model: ngram-hash\ncache-size: 50\nbatch-size: 128");
    db.execute("DROP TABLE neuron_embeddings");
    db.execute("DROP TABLE neurons");
    db.execute("DELETE FROM hal9_steps");
    db.execute("DELETE FROM hal9_history");
    db.execute("DELETE FROM hal9_snapshots");
    Cli smallCli = new Cli(db, small.path());
    assertThat(smallCli.run("run").exit()).isZero();
    JsonNode evicting = smallCli.run("status", "--json").json().at("/versions/2/steps/0/counters");
    assertThat(evicting.get("cacheEvictions").asLong()).as(evicting.toString()).isPositive();
    assertThat(evicting.get("cacheHitRate").asDouble()).isLessThan(0.39);
  }

  private static float[] storedVector(TestDatabase db, long id) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT vector FROM neuron_embeddings WHERE neuron_id = " + id)) {
      assertThat(r.next()).isTrue();
      Array array = r.getArray(1);
      Object[] values = (Object[]) array.getArray();
      float[] out = new float[values.length];
      for (int i = 0; i < values.length; i++) {
        out[i] = ((Number) values[i]).floatValue();
      }
      return out;
    }
  }
}
