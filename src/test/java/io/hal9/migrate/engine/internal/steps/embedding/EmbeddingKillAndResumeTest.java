package io.hal9.migrate.engine.internal.steps.embedding;

import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.duplicates;
import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.embedding;
import static io.hal9.migrate.engine.internal.steps.embedding.EmbeddingFixture.vectors;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLI child embedding 20,000 neurons with ngram-hash is killed with -9 at several points and run again: each
 * batch's upserts commit with its checkpoint, so after every kill the vectors equal the checkpoint, and the last
 * run ends with exactly one verified vector per neuron and model.
 */
class EmbeddingKillAndResumeTest {
  private static final long COUNT = 20_000;
  private static final long[] KILL_POINTS = {2_000, 7_000, 13_000, 18_000};
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @OnBothDatabases
  void killedAtSeveralPointsAndResumedEndsWithOneVerifiedVectorPerNeuron(TestDatabase db, @TempDir Path dir) throws Exception {
    Plans plans = Plans.in(dir.resolve("plans")).withReferenceSchema().seed("2", "seed", COUNT, 5000);
    embedding(plans, "3", "embed", "model: ngram-hash\ndimensions: 128\nbatch-size: 500");
    List<CliProcess> children = new ArrayList<>();
    try {
      CliProcess seed = start(children, db, plans, dir, "run", "--target", "2");
      assertThat(seed.waitFor(TIMEOUT)).as(seed.toString()).isZero();
      for (long point : KILL_POINTS) {
        CliProcess child = start(children, db, plans, dir, "run", "--progress-interval", "0");
        child.awaitRows(point, TIMEOUT);
        // A random delay, so the kill lands anywhere in a batch: mid-embedding, mid-upsert, mid-commit.
        Thread.sleep(ThreadLocalRandom.current().nextInt(60));
        child.kill9();

        // Connect only with no child alive (on H2 an open connection would make this JVM the file's server).
        long rowsDone = db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = 'embed'");
        assertThat(vectors(db, "ngram-hash")).as("vectors after the kill at %d equal the checkpoint", point).isEqualTo(rowsDone);
        assertThat(rowsDone).isPositive().isLessThan(COUNT);
        if (db.isPostgres()) {
          // H2 writes commits to its file in the background (WRITE_DELAY): a kill may undo the last few.
          assertThat(rowsDone).isGreaterThanOrEqualTo(child.reportedRows());
        }
        assertThat(duplicates(db)).isZero();
      }
      CliProcess last = start(children, db, plans, dir, "run", "--progress-interval", "0");
      assertThat(last.waitFor(TIMEOUT)).as(last.toString()).isZero();
      assertThat(last.stderr()).contains("verified " + COUNT + " vectors of ngram-hash");
    } finally {
      for (CliProcess child : children) {
        child.kill9();
      }
    }

    assertThat(vectors(db, "ngram-hash")).isEqualTo(COUNT);
    assertThat(db.queryLong("SELECT count(DISTINCT neuron_id) FROM neuron_embeddings")).isEqualTo(COUNT);
    assertThat(duplicates(db)).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM neuron_embeddings WHERE dim <> 128")).isZero();
    JsonNode step = new Cli(db, plans.path()).run("status", "--json").json().at("/versions/2/steps/0");
    assertThat(step.get("state").asText()).isEqualTo("done");
    // Counters move with the batches' commits, so the kills neither lost nor double-counted a row.
    assertThat(step.at("/counters/embedded").asLong() + step.at("/counters/empty").asLong()).isEqualTo(COUNT);
  }

  private static CliProcess start(List<CliProcess> children, TestDatabase db, Plans plans, Path dir, String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(List.of("--url", db.url(), "--plans", plans.path().toString()));
    CliProcess child = CliProcess.start(dir.resolve("work"), line.toArray(String[]::new));
    children.add(child);
    return child;
  }
}
