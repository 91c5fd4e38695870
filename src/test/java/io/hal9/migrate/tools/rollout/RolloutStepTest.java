package io.hal9.migrate.tools.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.Hal9Application;
import io.hal9.migrate.support.LocalServer;
import io.hal9.migrate.support.LocalServer.ScrapeTarget;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollout phases run by the CLI against a real Prometheus that scrapes an exporter of HAL9's request series, which
 * the test steers: a phase that bakes with its gates held, a trigger that fires mid-bake and puts the previous
 * phase back (exit 5), a runner killed -9 mid-bake that resumes with its baked time and no second traffic change,
 * a gate without data that never holds, and an abort from a second process. One exporter and one Prometheus serve
 * the whole class: Prometheus hands a new target to its scrapers only some 5 s after it is ready.
 */
class RolloutStepTest {
  private static final String ERRORS = "sum(rate(hal9_errors_total{system=\"hierarchical\"}[5s]))"
      + " / sum(rate(hal9_requests_total{system=\"hierarchical\"}[5s]))";
  private static final String P99 = "histogram_quantile(0.99, sum by (le) (rate(hal9_request_duration_seconds_bucket"
      + "{system=\"hierarchical\"}[5s])))";

  @TempDir static Path shared;
  private static Hal9Application hal9;
  private static LocalServer prometheus;

  @TempDir Path dir;

  /**
   * Starts the class's exporter and Prometheus on first use (the health gates need neither), and quiets the
   * hierarchical system again, whatever the test before left.
   */
  private static void quietPrometheus() throws Exception {
    if (hal9 == null) {
      hal9 = Hal9Application.start(0, null);
    }
    if (prometheus == null) {
      prometheus = LocalServer.prometheus(shared, new ScrapeTarget("hal9", hal9.address()));
    }
    hal9.hierarchicalErrors(0);
    awaitBelow(ERRORS, 0.001);
  }

  @AfterAll
  static void stopPrometheus() throws Exception {
    try (Hal9Application app = hal9; LocalServer server = prometheus) {
      // both closed, the exporter last
    }
  }

  @OnBothDatabases
  void phasesBakeGoBackWhenATriggerFiresAndResumeTheirBakeAfterAKill(TestDatabase db) throws Exception {
    quietPrometheus();
    db.serve();
    Plans plans = Plans.in(dir.resolve("plans"))
        .file("V1__shadow.yaml", phase("shadow", "shadow", "2s", "0.001", "2s", ""));
    Cli cli = new Cli(db, plans.path());
    Cli.Result dryRun = cli.run("run", "--dry-run", "--prometheus", prometheus.url());
    assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
    assertThat(dryRun.out()).contains("routing: no phase: hierarchical 0%, flags none -> shadow: hierarchical 0% (mirrored 100%),"
        + " flags shadow_mode 100% (the table only)").contains("bake 2s, looking every 1s").contains("gate error-rate ")
        .containsPattern("gate p99 (0\\.[0-9]+ <= 0\\.1: would hold|has no data) \\(needs <= 0\\.1\\)")
        .contains("(fires above 0.01 for 2s)");
    assertThat(db.tables()).as("a dry run writes nothing").noneMatch(t -> t.startsWith("hal9_"));
    Cli.Result shadow = cli.run("run", "--prometheus", prometheus.url());
    assertThat(shadow.exit()).as(shadow.toString()).isZero();
    assertThat(db.queryRows("SELECT phase, hierarchical_percent, mirrored FROM hal9_routing")).containsExactly("shadow|0|"
        + (db.isPostgres() ? "t" : "TRUE"));
    assertThat(db.queryRows("SELECT flag_name, percentage FROM hal9_flags")).containsExactly("shadow_mode|100");
    assertThat(db.queryRows("SELECT subject, old_value, new_value, step_id FROM hal9_routing_history ORDER BY change_id"))
        .containsExactly("phase|null|shadow|shadow", "traffic|hierarchical 0%|hierarchical 0%, mirrored|shadow",
            "flag shadow_mode|null|on 100%|shadow");

    // Canary: its error rate rises above the trigger's bound mid-bake; the phase goes back to shadow, exit 5.
    plans.file("V2__canary.yaml", phase("canary", "canary", "60s", "0.001", "1s", ""));
    CliProcess canary = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.path().toString(),
        "--prometheus", prometheus.url());
    await(() -> phase(db).equals("canary"), canary, "canary applied");
    assertThat(db.queryRows("SELECT flag_name, percentage FROM hal9_flags ORDER BY flag_name"))
        .as("canary ends the shadow's flag").containsExactly("hierarchical_routing|100", "shadow_mode|0");
    hal9.hierarchicalErrors(0.2);
    assertThat(canary.waitFor(Duration.ofSeconds(60))).as(canary.toString()).isEqualTo(5);
    assertThat(canary.stderr()).containsPattern("canary: trigger error-rate 0\\.[0-9]+ > 0\\.01 for 1s; traffic and flags back to shadow");
    assertThat(db.queryRows("SELECT phase, hierarchical_percent FROM hal9_routing")).containsExactly("shadow|0");
    assertThat(db.queryRows("SELECT flag_name, enabled, percentage FROM hal9_flags ORDER BY flag_name")).containsExactly(
        "hierarchical_routing|" + bool(db, false) + "|0", "shadow_mode|" + bool(db, true) + "|100");
    assertThat(db.queryRows("SELECT severity, message FROM hal9_events WHERE event_type = 'routing_rolled_back'"))
        .singleElement().asString().startsWith("critical|canary: trigger error-rate ").contains("> 0.01 for 1s: phase: canary -> shadow");

    // The error rate is low again; the retried canary is killed -9 mid-bake and resumes with the time it baked.
    hal9.hierarchicalErrors(0);
    awaitBelow(ERRORS, 0.001);
    plans.file("V2__canary.yaml", phase("canary", "canary", "4s", "0.001", "1s", ""));
    CliProcess killed = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.path().toString(),
        "--prometheus", prometheus.url());
    await(() -> phase(db).equals("canary"), killed, "canary applied again");
    long failedAttempt = rowsDone(db, "canary");
    await(() -> rowsDone(db, "canary") >= failedAttempt + 2, killed, "2 s baked");
    killed.kill9();
    long baked = rowsDone(db, "canary") - failedAttempt;
    CliProcess resumed = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.path().toString(),
        "--prometheus", prometheus.url());
    assertThat(resumed.waitFor(Duration.ofSeconds(60))).as(resumed.toString()).isZero();
    assertThat(resumed.stderr()).contains("canary: resumes its bake at " + baked + "s of 4s");
    assertThat(rowsDone(db, "canary")).isEqualTo(failedAttempt + 4);
    assertThat(db.queryLong("SELECT count(*) FROM hal9_routing_history WHERE subject = 'phase' AND new_value = 'canary'"))
        .as("one change to canary per attempt: the failed one, and the retry killed and resumed").isEqualTo(2);
    assertThat(db.queryRows("SELECT phase, hierarchical_percent FROM hal9_routing")).containsExactly("canary|5");
  }

  @OnBothDatabases
  void aGateWithoutDataNeverHoldsAndThePhaseGoesBackAfterItsGateTimeout(TestDatabase db) throws Exception {
    quietPrometheus();
    Path plans = Plans.in(dir.resolve("plans")).file("V1__canary.yaml", "steps:\n  - id: canary\n    type: rollout\n"
        + "    phase: canary\n    bake: 1s\n    interval: 1s\n    gate-timeout: 1s\n    rollback-when: []\n    gates:\n"
        + "      - {name: p99, query: '" + P99.replace("hierarchical", "nosuch") + "', max: 0.1}\n").path();
    Cli.Result blind = new Cli(db, plans).run("run", "--prometheus", prometheus.url());
    assertThat(blind.exit()).as(blind.toString()).isEqualTo(5);
    assertThat(blind.err()).contains("canary: gates not held 1s after the bake: p99 has no data (needs <= 0.1)");
    assertThat(db.queryRows("SELECT message FROM hal9_events WHERE event_type = 'step_warning'"))
        .containsExactly("p99 has no data: the gate is not held until it has");
    assertThat(db.queryRows("SELECT phase, hierarchical_percent FROM hal9_routing")).containsExactly("null|0");
  }

  @OnBothDatabases
  void healthGatesFailingLooksInARowPutThePreviousPhaseBack(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir.resolve("plans")).file("V1__canary.yaml", "steps:\n  - id: canary\n    type: rollout\n"
        + "    phase: canary\n    bake: 1m\n    interval: 1s\n    rollback-when: []\n    max-failed-health-checks: 2\n"
        + "    gates:\n      - {health: {check: neurons}}\n").path();
    Cli.Result run = new Cli(db, plans).run("run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(5);
    assertThat(run.err()).contains("canary: trigger 2 failed health checks in a row: health neurons failed: ");
    assertThat(db.queryRows("SELECT phase, hierarchical_percent FROM hal9_routing")).containsExactly("null|0");
    assertThat(db.queryRows("SELECT severity FROM hal9_events WHERE event_type = 'routing_rolled_back'")).containsExactly("critical");
  }

  @OnBothDatabases
  void anAbortFromAnotherProcessPutsThePreviousPhaseBackAtOnce(TestDatabase db) throws Exception {
    quietPrometheus();
    db.serve();
    Path plans = Plans.in(dir.resolve("plans")).file("V1__canary.yaml", "steps:\n  - id: canary\n    type: rollout\n"
        + "    phase: canary\n    bake: 10m\n    interval: 1s\n    rollback-when: []\n    gates:\n"
        + "      - {name: p99, query: '" + P99 + "', max: 0.1}\n").path();
    Cli cli = new Cli(db, plans);
    assertThat(cli.run("rollout", "abort").err()).contains("no rollout step is running");
    CliProcess run = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
        "--prometheus", prometheus.url());
    await(() -> rowsDone(db, "canary") > 1, run, "baking");
    Cli.Result status = cli.run("rollout", "status");
    assertThat(status.out()).contains("Phase: canary; traffic: hierarchical 5%, flat 95%").contains("hierarchical_routing")
        .containsPattern("canary +running +baked [0-9]+ of 600 s \\([0-9]+ s left\\)").containsPattern("gate p99 0\\.0[0-9]+ <= 0\\.1");
    Cli.Result abort = cli.run("rollout", "abort");
    assertThat(abort.exit()).as(abort.toString()).isZero();
    assertThat(run.waitFor(Duration.ofSeconds(30))).as(run.toString()).isEqualTo(5);
    assertThat(run.stderr()).contains("canary: rollout abort by ");
    assertThat(db.queryRows("SELECT phase, hierarchical_percent FROM hal9_routing")).containsExactly("null|0");
    assertThat(db.queryRows("SELECT event_type FROM hal9_events WHERE event_type LIKE '%rollout%' OR event_type LIKE 'routing%'"
        + " ORDER BY event_id")).containsExactly("routing_changed", "rollout_abort_requested", "routing_rolled_back");
    Cli.Result again = cli.run("rollout", "abort");
    assertThat(again.exit()).isEqualTo(2);
    assertThat(again.err()).contains("no rollout step is running");
  }

  private static String phase(String id, String phase, String bake, String gateMax, String triggerFor, String more) {
    return "steps:\n  - id: " + id + "\n    type: rollout\n    phase: " + phase + "\n    bake: " + bake + "\n    interval: 1s\n"
        + "    gates:\n      - {name: error-rate, query: '" + ERRORS + "', max: " + gateMax + ", for: 1s}\n"
        + "      - {name: p99, query: '" + P99 + "', max: 0.1}\n"
        + "    rollback-when:\n      - {name: error-rate, query: '" + ERRORS + "', above: 0.01, for: " + triggerFor + "}\n" + more;
  }

  private static void awaitBelow(String query, double bound) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      JsonNode answer = prometheus.query(query);
      JsonNode value = answer.path("data").path("result").path(0).path("value").path(1);
      if (!value.isMissingNode() && Double.parseDouble(value.asText()) < bound) {
        return;
      }
      assertThat(System.nanoTime()).as(query + " never below " + bound + ": " + answer).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static String phase(TestDatabase db) {
    try {
      return String.valueOf(db.queryString("SELECT phase FROM hal9_routing"));
    } catch (SQLException notYet) {
      return "none";
    }
  }

  private static long rowsDone(TestDatabase db, String step) {
    try {
      return db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = '" + step + "'");
    } catch (SQLException notYet) {
      return 0;
    }
  }

  private static String bool(TestDatabase db, boolean value) {
    return db.isPostgres() ? (value ? "t" : "f") : (value ? "TRUE" : "FALSE");
  }

  private static void await(BooleanSupplier condition, CliProcess run, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(run.isAlive()).as(what + ": " + run).isTrue();
      assertThat(System.nanoTime()).as("never " + what + ": " + run).isLessThan(deadline);
      Thread.sleep(100);
    }
  }
}
