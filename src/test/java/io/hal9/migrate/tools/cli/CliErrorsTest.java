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

/** The CLI contract's failures and options: exit codes, error codes, secrets kept out of output, --target, --dry-run. */
class CliErrorsTest {
  private static final String PASSWORD = "s3cr3t-pw";
  private static final String NOWHERE = "jdbc:postgresql://127.0.0.1:1/nope";
  private static final String TABLE = "steps:\n  - id: make-t\n    type: sql\n    sql: CREATE TABLE t (x INT)\n";

  @TempDir Path dir;

  @OnBothDatabases
  void unreachableDatabaseIsExit2AndNeverShowsThePassword(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__t.yaml", TABLE);
    Cli cli = new Cli(db, dir);

    Cli.Result run = cli.raw("--url", NOWHERE, "--password", PASSWORD, "--plans", dir.toString(), "run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.errors()).singleElement().asString()
        .startsWith("cannot connect to " + NOWHERE + ": ")
        .contains("127.0.0.1:1");
    assertNoPassword(run);

    Cli.Result json = cli.raw("--url", NOWHERE, "--password", PASSWORD, "--plans", dir.toString(), "run", "--json");
    assertThat(json.exit()).isEqualTo(2);
    assertThat(json.json().at("/error/code").asText()).isEqualTo("DB_UNREACHABLE");
    assertThat(json.json().at("/error/exitCode").asInt()).isEqualTo(2);
    assertNoPassword(json);
  }

  @OnBothDatabases
  void passwordInTheUrlIsRedactedButTheReasonKept(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__t.yaml", TABLE);
    String url = NOWHERE + "?user=postgres&password=" + PASSWORD;

    Cli.Result run = new Cli(db, dir).raw("--url", url, "--plans", dir.toString(), "run", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.json().at("/error/code").asText()).isEqualTo("DB_UNREACHABLE");
    assertNoPassword(run);
    // Redacting the password must not swallow what follows it: the user still needs to know why.
    assertThat(run.json().at("/error/message").asText())
        .startsWith("cannot connect to " + NOWHERE + "?user=postgres&password=***: ")
        .contains("127.0.0.1:1");
  }

  @OnBothDatabases
  void passwordFromTheEnvironmentIsNeverShown(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__t.yaml", TABLE);

    Cli.Result run = new Cli(db, dir).env("HAL9_DB_PASSWORD", PASSWORD).env("HAL9_DB_URL", NOWHERE)
        .raw("--plans", dir.toString(), "run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.errors()).singleElement().asString().startsWith("cannot connect to " + NOWHERE + ": ");
    assertNoPassword(run);
  }

  @OnBothDatabases
  void passwordAppearsNowhereInARealProcessOutputLogsIncluded(TestDatabase db) throws Exception {
    // In-process runs do not capture the log appender; a child process shows everything it writes.
    Plans.in(dir).file("V1__t.yaml", TABLE);

    CliProcess process = CliProcess.start(dir.resolve("process"), "--url", NOWHERE + "?password=" + PASSWORD,
        "--password", PASSWORD, "--plans", dir.toString(), "run");
    assertThat(process.waitFor(Duration.ofSeconds(60))).as(process.toString()).isEqualTo(2);
    assertThat(process.stderr()).contains("cannot connect to").doesNotContain(PASSWORD);
    assertThat(process.stdout()).doesNotContain(PASSWORD);
  }

  @OnBothDatabases
  void urlWithoutADriverIsBadUrl(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__t.yaml", TABLE);
    Cli cli = new Cli(db, dir);

    Cli.Result run = cli.raw("--url", "jdbc:nope:x", "--plans", dir.toString(), "run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.errors()).containsExactly(
        "--url jdbc:nope:x: no JDBC driver for this URL (expected jdbc:h2:... or jdbc:postgresql://...)");

    JsonNode json = cli.raw("--url", "jdbc:nope:x", "--plans", dir.toString(), "run", "--json").json();
    assertThat(json.at("/error/code").asText()).isEqualTo("BAD_URL");
    assertThat(json.at("/error/exitCode").asInt()).isEqualTo(2);
  }

  @OnBothDatabases
  void unknownOptionIsAUsageError(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__t.yaml", TABLE);
    Cli cli = new Cli(db, dir);

    Cli.Result run = cli.run("run", "--bogus");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.errors()).containsExactly("Unknown option: '--bogus'");

    Cli.Result json = cli.run("run", "--bogus", "--json");
    assertThat(json.exit()).as(json.toString()).isEqualTo(2);
    assertThat(json.json().get("ok").asBoolean()).isFalse();
    assertThat(json.json().get("command").asText()).isEqualTo("run");
    assertThat(json.json().at("/error/code").asText()).isEqualTo("USAGE");
    assertThat(json.json().at("/error/exitCode").asInt()).isEqualTo(2);
    assertThat(json.json().at("/error/message").asText()).isEqualTo("Unknown option: '--bogus'");

    // Before the command too.
    Cli.Result before = cli.raw("--bogus", "--json", "run");
    assertThat(before.exit()).isEqualTo(2);
    assertThat(before.json().at("/error/code").asText()).isEqualTo("USAGE");
    assertThat(db.tables()).isEmpty();
  }

  @OnBothDatabases
  void targetThatIsNotAVersionIsAUsageErrorBeforeAnyWrite(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__t.yaml", TABLE);

    Cli.Result run = new Cli(db, dir).run("run", "--target", "two", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.json().at("/error/code").asText()).isEqualTo("USAGE");
    assertThat(run.json().at("/error/message").asText()).isEqualTo("--target two: not a version (expected e.g. 2 or 1.1)");
    assertThat(db.tables()).isEmpty();
  }

  @OnBothDatabases
  void optionsWorkBeforeOrAfterTheCommand(TestDatabase db) throws Exception {
    threeVersions();
    Cli cli = new Cli(db, dir);

    Cli.Result after = cli.run("run", "--dry-run", "--json");
    Cli.Result before = cli.raw("--url", db.url(), "--plans", dir.toString(), "--json", "run", "--dry-run");
    assertThat(before.exit()).as(before.toString()).isZero();
    assertThat(before.json()).isEqualTo(after.json());

    // Options before the command reach the database they name (not the default ./.hal9/hal9).
    Cli.Result run = cli.raw("--url", db.url(), "--plans", dir.toString(), "run", "--target", "1");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.tables()).contains("neurons");

    // Mixed: some before, some after.
    Cli.Result mixed = cli.raw("--json", "--plans", dir.toString(), "status", "--url", db.url());
    assertThat(mixed.exit()).as(mixed.toString()).isZero();
    assertThat(mixed.json()).isEqualTo(cli.run("status", "--json").json());
    assertThat(states(mixed.json())).containsExactly("1:done", "2:pending", "3:pending");
  }

  @OnBothDatabases
  void dryRunOnAFreshDatabaseListsTheStepsAndWritesNothing(TestDatabase db) throws Exception {
    threeVersions();
    Cli cli = new Cli(db, dir);

    Cli.Result dry = cli.run("run", "--dry-run");
    assertThat(dry.exit()).as(dry.toString()).isZero();
    assertThat(dry.out().lines().toList()).hasSize(4);
    assertThat(dry.out()).contains("create-neurons", "seed", "index-kind", "would run")
        .contains("Dry run: 3 step(s) would run; nothing was written.");

    JsonNode json = cli.run("run", "--dry-run", "--json").json();
    assertThat(json.get("dryRun").asBoolean()).isTrue();
    assertThat(json.get("runId").isNull()).isTrue();
    List<String> steps = new ArrayList<>();
    json.get("steps").forEach(s -> steps.add(s.get("version").asText() + ":" + s.get("id").asText() + ":" + s.get("state").asText()));
    assertThat(steps).containsExactly("1:create-neurons:would run", "2:seed:would run", "3:index-kind:would run");
    assertThat(db.tables()).isEmpty();
  }

  @OnBothDatabases
  void targetAppliesOnlyUpToThatVersion(TestDatabase db) throws Exception {
    threeVersions();
    Cli cli = new Cli(db, dir);

    Cli.Result run = cli.run("run", "--target", "2");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM neurons")).isEqualTo(20);
    assertThat(db.hasIndex("neurons_kind")).isFalse();
    assertThat(db.queryRows("SELECT version, action FROM hal9_history ORDER BY installed_rank"))
        .containsExactly("1|apply", "2|apply");
    assertThat(states(cli.run("status", "--json").json())).containsExactly("1:done", "2:done", "3:pending");

    Cli.Result rest = cli.run("run", "--json");
    assertThat(rest.exit()).as(rest.toString()).isZero();
    assertThat(rest.json().get("versionsApplied")).hasSize(1);
    assertThat(rest.json().get("versionsApplied").get(0).asText()).isEqualTo("3");
    assertThat(db.hasIndex("neurons_kind")).isTrue();
  }

  @OnBothDatabases
  void historyJsonListsEveryAppliedVersion(TestDatabase db) throws Exception {
    threeVersions();
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("history", "--json").json().get("history")).isEmpty();
    assertThat(db.tables()).as("history reads, never creates").isEmpty();
    assertThat(cli.run("run").exit()).isZero();

    Cli.Result history = cli.run("history", "--json");
    assertThat(history.exit()).as(history.toString()).isZero();
    JsonNode json = history.json();
    assertThat(json.get("ok").asBoolean()).isTrue();
    assertThat(json.get("command").asText()).isEqualTo("history");
    List<String> entries = new ArrayList<>();
    json.get("history").forEach(e -> entries.add(e.get("rank").asLong() + "|" + e.get("version").asText() + "|"
        + e.get("action").asText() + "|" + e.get("script").asText() + "|" + e.get("description").asText()));
    assertThat(entries).containsExactly(
        "1|1|apply|V1__create_schema.yaml|create schema",
        "2|2|apply|V2__seed.yaml|seed",
        "3|3|apply|V3__index.yaml|index");
    for (JsonNode entry : json.get("history")) {
      assertThat(entry.get("installedOn").asText()).isNotBlank();
      assertThat(entry.get("installedBy").asText()).isNotBlank();
      assertThat(entry.get("executionMillis").asLong()).isNotNegative();
    }
  }

  @OnBothDatabases
  void failingStepIsExit1AndRecordedAsFailed(TestDatabase db) throws Exception {
    Plans plans = Plans.in(dir).file("V1__t.yaml", TABLE)
        .file("V2__broken.yaml", "steps:\n  - id: broken\n    type: sql\n    sql: CREATE TABLEX u (x INT)\n");
    Cli cli = new Cli(db, dir);

    Cli.Result run = cli.run("run", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(1);
    assertThat(run.json().at("/error/code").asText()).isEqualTo("STEP_FAILED");
    assertThat(run.json().at("/error/exitCode").asInt()).isEqualTo(1);
    assertThat(run.json().at("/error/message").asText())
        .startsWith("step 'broken' (V2__broken.yaml) failed: ")
        .contains("TABLEX")
        .endsWith("; the checkpoint is kept, run again to resume");
    assertThat(db.queryString("SELECT state FROM hal9_steps WHERE step_id = 'broken'")).isEqualTo("failed");
    assertThat(db.queryString("SELECT error FROM hal9_steps WHERE step_id = 'broken'")).contains("TABLEX");
    assertThat(db.queryString("SELECT state FROM hal9_steps WHERE step_id = 'make-t'")).isEqualTo("done");
    assertThat(db.queryRows("SELECT version FROM hal9_history")).containsExactly("1");

    // Unchanged, it fails again (one more attempt).
    Cli.Result again = cli.run("run");
    assertThat(again.exit()).as(again.toString()).isEqualTo(1);
    assertThat(again.errors()).singleElement().asString().startsWith("step 'broken' (V2__broken.yaml) failed: ");
    assertThat(db.queryLong("SELECT attempts FROM hal9_steps WHERE step_id = 'broken'")).isEqualTo(2);

    // Fixing a failed step changes an applied definition: exit 4 until accepted, then it runs.
    plans.file("V2__broken.yaml", "steps:\n  - id: broken\n    type: sql\n    sql: CREATE TABLE u (x INT)\n");
    Cli.Result fixed = cli.run("run", "--json");
    assertThat(fixed.exit()).as(fixed.toString()).isEqualTo(4);
    assertThat(fixed.json().at("/error/code").asText()).isEqualTo("CHECKSUM_MISMATCH");

    assertThat(cli.run("repair", "--accept-changed").exit()).isZero();
    Cli.Result rerun = cli.run("run");
    assertThat(rerun.exit()).as(rerun.toString()).isZero();
    assertThat(db.tables()).contains("u");
    assertThat(db.queryString("SELECT state FROM hal9_steps WHERE step_id = 'broken'")).isEqualTo("done");
    assertThat(db.queryRows("SELECT version FROM hal9_history ORDER BY installed_rank")).containsExactly("1", "2");
  }

  /** V1 reference schema, V2 seeds 20 neurons, V3 an index with undo. */
  private void threeVersions() {
    Plans.in(dir).withReferenceSchema().seed("2", "seed", 20, 5).file("V3__index.yaml", "steps:\n  - id: index-kind\n"
        + "    type: sql\n    sql: CREATE INDEX neurons_kind ON neurons (kind)\n    undo: DROP INDEX neurons_kind\n");
  }

  private static List<String> states(JsonNode status) {
    List<String> states = new ArrayList<>();
    status.get("versions").forEach(v -> states.add(v.get("version").asText() + ":" + v.get("state").asText()));
    return states;
  }

  private static void assertNoPassword(Cli.Result result) {
    assertThat(result.out()).doesNotContain(PASSWORD);
    assertThat(result.err()).doesNotContain(PASSWORD);
  }
}
