package io.hal9.migrate.tools.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** {@code type: health} in a plan: a failed check stops the run with exit 5 before later steps, figures kept. */
class HealthStepTest {
  private static final String LATER = "steps:\n  - id: make-t\n    type: sql\n    sql: CREATE TABLE t (x INT)\n";

  @TempDir Path dir;

  @OnBothDatabases
  void failedGateStopsTheRunWithExit5AndKeepsItsMeasurements(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__gate.yaml", gate("0", false)).file("V2__later.yaml", LATER);
    Cli cli = new Cli(db, dir);

    Cli.Result run = cli.run("run");

    assertThat(run.exit()).as(run.toString()).isEqualTo(5);
    assertThat(run.errors()).singleElement().asString()
        .matches("step 'gate' \\(V1__gate.yaml\\) failed: health check failed: disk " + dirPattern()
            + ": used \\d+\\.?\\d*% > max 0% .*; the checkpoint is kept, run again to resume");
    assertThat(db.tables()).doesNotContain("t");
    assertThat(db.queryString("SELECT state FROM hal9_steps WHERE step_id = 'gate'")).isEqualTo("failed");
    JsonNode recorded = new ObjectMapper().readTree(db.queryString("SELECT counters FROM hal9_steps WHERE step_id = 'gate'"));
    assertThat(recorded.at("/healthy").asBoolean()).isFalse();
    assertThat(recorded.at("/checks/1/status").asText()).isEqualTo("failed");
    assertThat(recorded.at("/checks/1/measured/usedPercent").asDouble()).isPositive();
    assertThat(recorded.at("/checks/1/limits/maxUsedPercent").asDouble()).isZero();

    Cli.Result json = cli.run("run", "--json");
    assertThat(json.exit()).isEqualTo(5);
    assertThat(json.json().at("/error/code").asText()).isEqualTo("HEALTH_FAILED");
    assertThat(json.json().at("/error/exitCode").asInt()).isEqualTo(5);
    assertThat(json.json().at("/error/details/0").asText()).startsWith("disk " + dir.toAbsolutePath() + ": used ");
  }

  @OnBothDatabases
  void passingGateLetsTheRunGoOnAndShowsItsFiguresInStatus(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__gate.yaml", gate("100", false)).file("V2__later.yaml", LATER);
    Cli cli = new Cli(db, dir);

    Cli.Result run = cli.run("run");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.tables()).contains("t");
    JsonNode status = cli.run("status", "--json").json();
    assertThat(status.at("/versions/0/steps/0/state").asText()).isEqualTo("done");
    assertThat(db.queryString("SELECT counters FROM hal9_steps WHERE step_id = 'gate'")).contains("\"status\":\"ok\"");
  }

  @OnBothDatabases
  void statusTextCountsAGatesChecksByStatusWhileJsonKeepsThemWhole(TestDatabase db) throws Exception {
    // The disk check passes its max and is above its warning level (0%): one ok, one warning.
    Plans.in(dir).file("V1__gate.yaml", gate("100", false));
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("run").exit()).isZero();

    Cli.Result text = cli.run("status");
    JsonNode json = cli.run("status", "--json").json();

    assertThat(text.exit()).as(text.toString()).isZero();
    assertThat(text.out()).containsPattern("gate +health +done +0 rows \\(healthy true, checks 2 \\(1 ok, 1 warning\\)\\)\n");
    JsonNode counters = json.at("/versions/0/steps/0/counters");
    assertThat(counters.get("healthy").asBoolean()).isTrue();
    assertThat(counters.at("/checks").findValuesAsText("check")).containsExactly("database", "disk");
    assertThat(counters.at("/checks").findValuesAsText("status")).containsExactly("ok", "warning");
    assertThat(counters).isEqualTo(new ObjectMapper().readTree(db.queryString("SELECT counters FROM hal9_steps WHERE step_id = 'gate'")));
  }

  @OnBothDatabases
  void warnOnlyGateRecordsTheFailureAndGoesOn(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__gate.yaml", gate("0", true)).file("V2__later.yaml", LATER);

    Cli.Result run = new Cli(db, dir).run("run");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.tables()).contains("t");
    assertThat(db.queryString("SELECT counters FROM hal9_steps WHERE step_id = 'gate'")).contains("\"status\":\"failed\"");
  }

  @OnBothDatabases
  void rollbackPassesOverAGate(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__t.yaml", LATER).file("V2__gate.yaml", gate("100", false));
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("run").exit()).isZero();

    Cli.Result rollback = cli.run("rollback", "--to", "1");

    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(db.queryString("SELECT state FROM hal9_steps WHERE step_id = 'gate'")).isEqualTo("rolled_back");
  }

  @OnBothDatabases
  void badCheckIsAPlanErrorWithFileAndLineBeforeAnyWrite(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__gate.yaml", "steps:\n  - id: gate\n    type: health\n    checks:\n"
        + "      - check: disk\n        max-used-percent: 120\n      - check: port\n");

    Cli.Result run = new Cli(db, dir).run("run");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.errors()).containsExactly(
        dir.resolve("V1__gate.yaml") + ":4: step 'gate' key 'checks': check 1 (disk): key 'max-used-percent': expected a "
            + "percentage from 0 to 100, got 120",
        dir.resolve("V1__gate.yaml") + ":4: step 'gate' key 'checks': check 2 (port): key 'address': missing");
    assertThat(db.tables()).isEmpty();
  }

  private String gate(String maxUsedPercent, boolean warnOnly) {
    return "steps:\n  - id: gate\n    type: health\n    warn-only: " + warnOnly + "\n    checks:\n"
        + "      - check: database\n        max-latency-ms: 5000\n"
        + "      - check: disk\n        path: .\n        max-used-percent: " + maxUsedPercent + "\n        warn-used-percent: 0\n";
  }

  private String dirPattern() throws Exception {
    return java.util.regex.Pattern.quote(dir.toAbsolutePath().toString());
  }
}
