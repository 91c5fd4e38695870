package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} on a few thousand rows: that it measures every contender, gets the same result, reports it in the
 * stable JSON shape and leaves no scratch schema behind. Its figures are not asserted: speed lives in benchmarks.
 */
class BenchCommandTest {
  @TempDir Path dir;

  @OnBothDatabases
  void neuronStateBenchMeasuresEveryContenderOnBothShapesAndPrintsTheWeakestRatioLast(TestDatabase db) throws Exception {
    Cli cli = new Cli(db, dir);
    Cli.Result bench = cli.raw("bench", "neuron-state", "--url", db.url(), "--rows", "3000", "--batch-size", "500",
        "--rounds", "1", "--json");

    assertThat(bench.exit()).as(bench.toString()).isZero();
    JsonNode json = bench.json();
    assertThat(json.at("/command").asText()).isEqualTo("bench neuron-state");
    assertThat(json.at("/database").asText()).isEqualTo(db.name());
    assertThat(json.at("/rows").asLong()).isEqualTo(3000);
    assertThat(json.at("/identical").asBoolean()).isTrue();
    List<String> contenders = new ArrayList<>(List.of("engine, snapshots off", "engine, snapshots on", "hand-written loop"));
    if (db.isPostgres()) {
      contenders.add("hand-written SQL"); // the bound is PostgreSQL's jsonb
    }
    assertThat(texts(json.at("/shapes"), "shape")).containsExactly("light", "demo");
    double weakest = Double.MAX_VALUE;
    for (JsonNode shape : json.at("/shapes")) {
      assertThat(texts(shape.at("/contenders"), "name")).containsExactlyElementsOf(contenders);
      for (JsonNode contender : shape.at("/contenders")) {
        assertThat(contender.at("/rowsPerSecond").asDouble()).as(contender.toString()).isPositive();
        if (!contender.at("/name").asText().equals("engine, snapshots off")) {
          assertThat(contender.at("/differentRows").asLong()).as(contender.toString()).isZero();
        }
      }
      assertThat(shape.at("/ratios")).hasSize(db.isPostgres() ? 4 : 2);
      for (JsonNode ratio : shape.at("/ratios")) {
        weakest = Math.min(weakest, ratio.at("/ratio").asDouble());
      }
    }
    assertThat(json.at("/weakest/ratio").asDouble()).isEqualTo(weakest);
    assertThat(db.queryLong("SELECT count(*) FROM information_schema.schemata WHERE lower(schema_name) = 'hal9_bench'")).isZero();

    Path step = Files.writeString(dir.resolve("V9__mine.yaml"), "steps:\n  - id: mine\n    type: neuron-state\n"
        + "    ops:\n      - multiply: {field: bias, by: 3}\n      - remove: {field: legacy}\n");
    Cli.Result mine = cli.raw("bench", "neuron-state", "--url", db.url(), "--rows", "1000", "--rounds", "1", "--step",
        step.toString());
    assertThat(mine.exit()).as(mine.toString()).isZero();
    List<String> lines = mine.out().lines().toList();
    assertThat(lines).contains("shape V9__mine.yaml:").noneMatch(line -> line.contains("DIFFER"));
    assertThat(lines.get(lines.size() - 1)).startsWith("weakest ratio: ").contains("V9__mine.yaml: engine, snapshots");
  }

  @OnBothDatabases
  void aStepFileWithoutOpsIsExit2NamingIt(TestDatabase db) throws Exception {
    Path step = Files.writeString(dir.resolve("V1__x.yaml"), "steps:\n  - id: a\n    type: sql\n    sql: SELECT 1\n");
    Cli.Result bench = new Cli(db, dir).raw("bench", "neuron-state", "--url", db.url(), "--step", step.toString());

    assertThat(bench.exit()).isEqualTo(2);
    assertThat(bench.errors()).containsExactly("--step " + step + ": expected a neuron-state step with a list of 'ops'");
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
    assertThat(json.at("/bareModelTextsPerSecond").asDouble()).isPositive();
    assertThat(json.at("/ratioToBareModel").asDouble())
        .isCloseTo(json.at("/textsPerSecond").asDouble() / json.at("/bareModelTextsPerSecond").asDouble(), offset(1e-9));
    assertThat(db.queryLong("SELECT count(*) FROM information_schema.schemata WHERE lower(schema_name) = 'hal9_bench'")).isZero();
  }

  /** One kill is enough to prove the loop (each child JVM costs seconds of CI); its figure is not asserted. */
  @OnBothDatabases
  void resumeBenchKillsTheRunAtTheShareAndTimesTheRestartsFirstBatch(TestDatabase db) throws Exception {
    Cli.Result bench = new Cli(db, dir).raw("bench", "resume", "--url", db.url(), "--rows", "10000", "--batch-size", "100",
        "--at", "0.3", "--json");

    assertThat(bench.exit()).as(bench.toString()).isZero();
    JsonNode json = bench.json();
    assertThat(json.at("/command").asText()).isEqualTo("bench resume");
    assertThat(json.at("/cliStartSeconds").asDouble()).isPositive();
    assertThat(json.at("/kills")).hasSize(1);
    JsonNode kill = json.at("/kills/0");
    // Killed once the share was committed, and before the step was done: the restart had work left.
    assertThat(kill.at("/rowsCommitted").asLong()).as(kill.toString()).isBetween(3000L, 9999L);
    assertThat(kill.at("/secondsToFirstBatch").asDouble()).isGreaterThan(kill.at("/secondsAfterCliStart").asDouble());
    assertThat(db.queryLong("SELECT count(*) FROM information_schema.schemata WHERE lower(schema_name) = 'hal9_bench'")).isZero();
  }

  /**
   * The runner alone and beside one worker (each a JVM: seconds of CI apiece), tiny: the shape of the figures, not
   * their size. H2 has no process counts to compare (one process works a partitioned step there): exit 2.
   */
  @OnBothDatabases
  void workersBenchMeasuresEachProcessCountOnBothShapesAndPrintsTheWeakestSpeedUpLast(TestDatabase db) throws Exception {
    Cli.Result bench = new Cli(db, dir).raw("bench", "workers", "--url", db.url(), "--processes", "2,1", "--partitions", "4",
        "--state-rows", "400", "--embedding-rows", "200", "--model", "ngram-hash", "--json");

    if (!db.isPostgres()) {
      assertThat(bench.exit()).isEqualTo(2);
      assertThat(bench.json().at("/error/message").asText()).isEqualTo("bench workers needs PostgreSQL (--url "
          + "jdbc:postgresql:...): on H2 one process works a partitioned step, so there are no process counts to compare");
      return;
    }
    assertThat(bench.exit()).as(bench.toString()).isZero();
    JsonNode json = bench.json();
    assertThat(json.at("/command").asText()).isEqualTo("bench workers");
    assertThat(json.at("/partitions").asInt()).isEqualTo(4);
    assertThat(json.at("/identical").asBoolean()).isTrue();
    assertThat(texts(json.at("/shapes"), "shape")).containsExactly("java-transform", "embedding");
    double weakest = Double.MAX_VALUE;
    for (JsonNode shape : json.at("/shapes")) {
      assertThat(texts(shape.at("/measurements"), "processes")).containsExactly("1", "2");
      for (JsonNode m : shape.at("/measurements")) {
        assertThat(m.at("/rowsPerSecond").asDouble()).as(m.toString()).isPositive();
        // -1 where the system does not tell a process's CPU time.
        assertThat(m.at("/rowsPerCpuSecond").asDouble()).as(m.toString())
            .satisfiesAnyOf(v -> assertThat(v).isPositive(), v -> assertThat(v).isEqualTo(-1.0));
        assertThat(m.at("/differentRows").asLong()).as(m.toString()).isZero();
        assertThat(texts(m.at("/perProcess"), "role")).as(m.toString())
            .containsExactlyElementsOf(m.at("/processes").asInt() == 1 ? List.of("run") : List.of("run", "worker"));
        long rows = 0;
        int partitions = 0;
        for (JsonNode process : m.at("/perProcess")) {
          rows += process.at("/rows").asLong();
          partitions += process.at("/partitions").asInt();
        }
        assertThat(rows).as(m.toString()).isEqualTo(shape.at("/rows").asLong());
        assertThat(partitions).as(m.toString()).isEqualTo(4);
      }
      JsonNode one = shape.at("/measurements/0");
      JsonNode two = shape.at("/measurements/1");
      assertThat(one.at("/speedUp").asDouble()).isEqualTo(1.0);
      assertThat(two.at("/speedUp").asDouble())
          .isCloseTo(two.at("/rowsPerSecond").asDouble() / one.at("/rowsPerSecond").asDouble(), offset(1e-9));
      weakest = Math.min(weakest, two.at("/speedUp").asDouble());
    }
    assertThat(json.at("/weakest/speedUp").asDouble()).isEqualTo(weakest);
    assertThat(json.at("/weakest/processes").asInt()).isEqualTo(2);
    assertThat(db.queryLong("SELECT count(*) FROM information_schema.schemata WHERE lower(schema_name) = 'hal9_bench'")).isZero();
  }

  @OnBothDatabases
  void badOptionsAreExit2(TestDatabase db) {
    Cli.Result bench = new Cli(db, dir).raw("bench", "embedding", "--url", db.url(), "--model", "word2vec");

    assertThat(bench.exit()).isEqualTo(2);
    assertThat(bench.errors()).containsExactly("expected --rows >= 1, --duplicates in [0, 1), --batch-size in 1..10000 and "
        + "--model all-minilm-l6-v2 or ngram-hash");
    Cli.Result resume = new Cli(db, dir).raw("bench", "resume", "--url", db.url(), "--at", "0.9,0.1");
    assertThat(resume.exit()).isEqualTo(2);
    assertThat(resume.errors()).containsExactly("expected --at shares rising within (0, 1), got [0.9, 0.1]");
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.path(field).asText()));
    return texts;
  }
}
