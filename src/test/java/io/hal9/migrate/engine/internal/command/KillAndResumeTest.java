package io.hal9.migrate.engine.internal.command;

import static io.hal9.migrate.support.Children.RUN_TIMEOUT;
import static io.hal9.migrate.support.Children.SEED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.engine.internal.steps.SyntheticNeurons;
import io.hal9.migrate.support.Children;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real CLI process seeding 120,000 neurons is killed with -9 at several points and run again each time: the
 * batch and its checkpoint commit together, so every kill leaves them equal and the last run ends with exactly
 * 120,000 rows, each once and each as the seed defines it.
 */
class KillAndResumeTest {
  private static final long COUNT = 120_000;
  private static final long[] KILL_POINTS = {10_000, 40_000, 75_000, 105_000};
  private static final ObjectMapper JSON = new ObjectMapper();

  @OnBothDatabases
  void killedAtSeveralPointsAndResumedEndsWithExactlyEveryRowOnce(TestDatabase db, @TempDir Path dir) throws Exception {
    Path plans = Children.seedPlan(dir, COUNT, 1000);
    long started = System.nanoTime();
    int runs = 0;
    try (Children children = new Children(db, plans, dir.resolve("work"))) {
      for (long point : KILL_POINTS) {
        CliProcess child = children.start("run", "--progress-interval", "0");
        runs++;
        child.awaitRows(point, RUN_TIMEOUT);
        // A random delay, so the kill lands anywhere in a batch: mid-insert, mid-checkpoint, mid-commit.
        Thread.sleep(ThreadLocalRandom.current().nextInt(151));
        child.kill9();

        // On H2 the test connects only now, with no child alive: a connection open during a run would make
        // this JVM the file's AUTO_SERVER owner, and the kill would no longer hit the process owning the file.
        long rowsDone = Children.rowsDone(db);
        assertThat(Children.neurons(db)).as("rows after kill at %d: equal to the checkpoint", point).isEqualTo(rowsDone);
        assertThat(rowsDone).as("checkpoint after kill at %d", point).isPositive().isLessThan(COUNT);
        if (db.isPostgres()) {
          // A batch reported committed survives the kill. Not so on H2: its store writes committed transactions
          // to the file in the background (WRITE_DELAY, 500 ms by default), so a kill may undo the last few
          // commits, batch and checkpoint alike; the rerun redoes them.
          assertThat(rowsDone).as("checkpoint after kill at %d", point).isGreaterThanOrEqualTo(child.reportedRows());
        }
        assertThat(Children.stepState(db)).isEqualTo("running");
      }
      CliProcess last = children.start("run", "--progress-interval", "0");
      runs++;
      assertThat(last.waitFor(RUN_TIMEOUT)).as(last.toString()).isZero();
    }
    Duration wallTime = Duration.ofNanos(System.nanoTime() - started);
    System.out.printf("kill-and-resume of %,d rows on %s: %d kills, %d runs, %.1f s%n", COUNT, db.name(),
        KILL_POINTS.length, runs, wallTime.toMillis() / 1000.0);

    assertThat(db.queryLong("SELECT count(*) FROM neurons")).isEqualTo(COUNT);
    assertThat(db.queryLong("SELECT count(DISTINCT id) FROM neurons")).isEqualTo(COUNT);
    assertThat(db.queryLong("SELECT min(id) FROM neurons")).isEqualTo(1);
    assertThat(db.queryLong("SELECT max(id) FROM neurons")).isEqualTo(COUNT);
    assertThat(db.queryRows("SELECT state, rows_done, attempts FROM hal9_steps WHERE step_id = '" + SEED + "'"))
        .containsExactly("done|" + COUNT + "|" + runs);

    JsonNode status = new Cli(db, plans).run("status", "--json").json();
    assertThat(status.get("ok").asBoolean()).isTrue();
    for (JsonNode version : status.get("versions")) {
      assertThat(version.get("state").asText()).as(version.toString()).isEqualTo("done");
      for (JsonNode step : version.get("steps")) {
        assertThat(step.get("state").asText()).as(step.toString()).isEqualTo("done");
      }
    }
    assertThat(status.get("versions").get(1).get("steps").get(0).get("rows").asLong()).isEqualTo(COUNT);

    // Rows written by different runs are exactly what the seed defines: resuming never shifted an id.
    SyntheticNeurons expected = new SyntheticNeurons(7);
    for (long id : List.of(1L, 9_999L, 10_001L, 60_001L, 119_999L, COUNT)) {
      SyntheticNeurons.Neuron neuron = expected.neuron(id);
      List<String> row = db.queryRows("SELECT kind, layer, state_version FROM neurons WHERE id = " + id);
      assertThat(row).as("neuron %d", id).containsExactly(neuron.kind() + "|" + neuron.layer() + "|1");
      String state = db.queryString("SELECT state FROM neurons WHERE id = " + id);
      assertThat(JSON.readTree(state)).as("state of neuron %d", id).isEqualTo(JSON.readTree(neuron.state()));
    }
  }
}
