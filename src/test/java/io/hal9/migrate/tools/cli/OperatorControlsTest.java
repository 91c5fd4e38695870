package io.hal9.migrate.tools.cli;

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
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator does to a long run from a second terminal: pause it (and find it still paused after a kill -9),
 * resume it, slow it down, and read what happened to it.
 */
class OperatorControlsTest {
  private static final String SEED = "SELECT rows_done FROM hal9_steps WHERE step_id = 'seed'";

  @TempDir Path dir;

  @OnBothDatabases
  void aPausedRunWaitsWithItsLockSurvivesAKillStillPausedAndFinishesOnResume(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir.resolve("plans")).withReferenceSchema()
        .file("V2__seed.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    count: 20000\n    batch-size: 500\n"
            + "    max-rows-per-second: 4000\n")
        .path();
    db.serve();
    Cli cli = new Cli(db, plans);
    CliProcess run = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
        "--progress-interval", "1");
    awaitRows(db, 1000, run);

    Cli.Result paused = cli.run("pause");
    assertThat(paused.exit()).as(paused.toString()).isZero();
    assertThat(paused.out()).contains("Paused");
    long held = db.awaitStill(SEED, Duration.ofMillis(1500)); // the batch under way when the pause came commits, then none
    assertThat(held).isBetween(1000L, 19_999L);
    JsonNode status = cli.run("status", "--json").json();
    assertThat(status.at("/versions/1/steps/0/state").asText()).isEqualTo("paused");
    assertThat(status.at("/paused/by").asText()).contains("pid");
    assertThat(status.at("/lock/pid").asLong()).as("the paused run keeps its lock").isEqualTo(run.pid());
    assertThat(cli.run("status").out()).contains("Paused since").contains("seed").contains("paused");

    // Killed while paused: the next run takes over and waits too, before its first batch.
    run.kill9();
    CliProcess again = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
        "--progress-interval", "1");
    awaitHolder(cli, again.pid());
    Thread.sleep(1500);
    assertThat(db.queryLong(SEED)).as("still paused after the kill").isEqualTo(held);
    assertThat(again.isAlive()).isTrue();

    Cli.Result resumed = cli.run("resume");
    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    assertThat(again.waitFor(Duration.ofMinutes(2))).as(again.toString()).isZero();
    assertThat(db.queryLong("SELECT COUNT(*) FROM neurons")).isEqualTo(20_000);
    assertThat(again.stderr()).contains("seed: held back: paused since");
    assertThat(cli.run("resume").out()).contains("Not paused.");
    assertThat(types(cli.run("events", "--json").json())).containsSubsequence("step_started", "paused", "lock_taken_over",
        "step_started", "resumed", "step_finished");
  }

  @OnBothDatabases
  void eventsSayWhatHappenedInOrderAndCountEachStepTransitionOnce(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir.resolve("plans")).withReferenceSchema().seed("2", "seed", 300, 100)
        .file("V3__fill.yaml", "steps:\n  - id: fill\n    type: sql\n    sql: INSERT INTO gate_copy SELECT n FROM gate\n")
        .path();
    db.execute("CREATE TABLE gate_copy (n INT)");
    Cli cli = new Cli(db, plans);
    assertThat(cli.run("run").exit()).isEqualTo(1);
    db.execute("CREATE TABLE gate (n INT)");
    db.execute("INSERT INTO gate VALUES (1)");
    assertThat(cli.run("run").exit()).isZero();

    JsonNode events = cli.run("events", "--json").json();
    assertThat(types(events)).containsExactly("step_started", "step_finished", // create-neurons
        "step_started", "step_finished", "step_started", "step_failed", "step_retried", "step_finished");
    JsonNode failed = events.at("/events/5");
    assertThat(failed.at("/step").asText()).isEqualTo("fill");
    assertThat(failed.at("/version").asText()).isEqualTo("3");
    assertThat(failed.at("/severity").asText()).isEqualTo("critical");
    assertThat(failed.at("/message").asText()).containsIgnoringCase("gate");
    assertThat(events.at("/events/6/message").asText()).startsWith("attempt 2; it had failed: ");
    assertThat(db.queryLong("SELECT COUNT(*) FROM hal9_events WHERE run_id IS NOT NULL")).isEqualTo(8);

    assertThat(types(cli.run("events", "--since", "1h", "--json").json())).hasSize(8);
    assertThat(cli.run("events", "--limit", "2").out()).contains("step_retried").contains("step_finished")
        .doesNotContain("step_failed");
    Cli.Result bad = cli.run("events", "--since", "yesterday");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.errors()).containsExactly("--since yesterday: expected a time such as 2026-12-07T05:00:00 or a span such as 15m");
  }

  @OnBothDatabases
  void aRateLimitedStepHoldsBackAndSaysWhyInItsProgressStatusAndEvents(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir.resolve("plans")).withReferenceSchema()
        .file("V2__seed.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    count: 8000\n    batch-size: 100\n"
            + "    max-rows-per-second: 1000\n")
        .path();
    db.serve();
    Cli cli = new Cli(db, plans);
    long started = System.nanoTime();
    CliProcess run = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
        "--progress-interval", "1");
    awaitRows(db, 200, run);
    CliProcess watch = CliProcess.start(dir.resolve("work"), "status", "--watch", "--interval", "0.5", "--url", db.url(),
        "--plans", plans.toString());
    JsonNode step = cli.run("status", "--json").json().at("/versions/1/steps/0");
    assertThat(step.at("/state").asText()).isEqualTo("running");
    assertThat(step.at("/heldBy").asText()).isEqualTo("max-rows-per-second 1000");
    assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.toString()).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (watch.stdout().split("hal9-migrate status at ", -1).length - 1 < 3 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    watch.terminate();
    assertThat(watch.waitFor(Duration.ofSeconds(30))).isEqualTo(143);
    // Redrawn every interval, while the step ran with its rate from one redraw to the next, its ETA and why it holds back.
    assertThat(watch.stdout().split("hal9-migrate status at ", -1).length - 1).as(watch.stdout()).isGreaterThanOrEqualTo(3);
    assertThat(watch.stdout()).containsPattern("seed +neuron-seed +running +[\\d,]+/8,000 rows \\([\\d.]+%\\), \\d+ rows/s, ETA \\d+ s"
        + "  held back: max-rows-per-second 1000");
    // 8,000 rows at 1,000 rows/s: the first batch goes at once, the other 79 wait their turn.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(7900));
    assertThat(run.stderr()).containsPattern("seed: \\d+/8000 rows \\([\\d.]+%\\), \\d+ rows/s, ETA \\d+ s, held back: "
        + "max-rows-per-second 1000");
    assertThat(db.queryString("SELECT held_by FROM hal9_steps WHERE step_id = 'seed'")).isNull();
    JsonNode events = cli.run("events", "--json").json();
    assertThat(types(events)).contains("throttled");
    assertThat(events.findValuesAsText("message")).contains("max-rows-per-second 1000");
  }

  private static List<String> types(JsonNode events) {
    List<String> types = new ArrayList<>();
    events.at("/events").forEach(e -> types.add(e.at("/type").asText()));
    return types;
  }

  private static void awaitRows(TestDatabase db, long rows, CliProcess run) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (rowsOf(db) < rows) {
      assertThat(run.isAlive()).as(run.toString()).isTrue();
      assertThat(System.nanoTime()).as("no %d rows within a minute: %s", rows, run).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static long rowsOf(TestDatabase db) {
    try {
      return db.queryLong(SEED);
    } catch (java.sql.SQLException notYet) {
      return 0;
    }
  }

  private static void awaitHolder(Cli cli, long pid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (cli.run("status", "--json").json().at("/lock/pid").asLong() != pid) {
      assertThat(System.nanoTime()).as("pid %d never took the lock", pid).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
