package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} on a few thousand rows: that it measures both sides, gets the same result, reports it in the
 * stable JSON shape and leaves no scratch schema behind. Its figures are not asserted: speed lives in benchmarks.
 */
class BenchCommandTest {
  @TempDir Path dir;

  @OnBothDatabases
  void neuronStateBenchComparesBothSidesAndCleansUp(TestDatabase db) throws Exception {
    Cli.Result bench = new Cli(db, dir).raw("bench", "neuron-state", "--url", db.url(), "--rows", "3000", "--batch-size",
        "500", "--json");

    assertThat(bench.exit()).as(bench.toString()).isZero();
    JsonNode json = bench.json();
    assertThat(json.at("/command").asText()).isEqualTo("bench neuron-state");
    assertThat(json.at("/database").asText()).isEqualTo(db.name());
    assertThat(json.at("/rows").asLong()).isEqualTo(3000);
    assertThat(json.at("/identical").asBoolean()).isTrue();
    assertThat(json.at("/plain/rowsPerSecond").asDouble()).isPositive();
    assertThat(json.at("/engine/rowsPerSecond").asDouble()).isPositive();
    assertThat(json.at("/ratio").asDouble()).isPositive();
    assertThat(db.queryLong("SELECT count(*) FROM information_schema.schemata WHERE lower(schema_name) = 'hal9_bench'")).isZero();
  }

  @OnBothDatabases
  void embeddingBenchHitsTheCacheAtTheDuplicateShare(TestDatabase db) throws Exception {
    Cli.Result bench = new Cli(db, dir).raw("bench", "embedding", "--url", db.url(), "--rows", "2000", "--model", "ngram-hash",
        "--json");

    assertThat(bench.exit()).as(bench.toString()).isZero();
    JsonNode json = bench.json();
    assertThat(json.at("/command").asText()).isEqualTo("bench embedding");
    assertThat(json.at("/rows").asLong()).isEqualTo(2000);
    assertThat(json.at("/cacheHitRate").asDouble()).isBetween(0.39, 0.41);
    assertThat(db.queryLong("SELECT count(*) FROM information_schema.schemata WHERE lower(schema_name) = 'hal9_bench'")).isZero();
  }

  @OnBothDatabases
  void badOptionsAreExit2(TestDatabase db) {
    Cli.Result bench = new Cli(db, dir).raw("bench", "embedding", "--url", db.url(), "--model", "word2vec");

    assertThat(bench.exit()).isEqualTo(2);
    assertThat(bench.errors()).containsExactly("expected --rows >= 1, --duplicates in [0, 1), --batch-size in 1..10000 and "
        + "--model all-minilm-l6-v2 or ngram-hash");
  }
}
