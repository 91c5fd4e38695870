package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * An applied step edited afterwards stops {@code validate} and {@code run} with exit 4 until it is reverted or
 * {@code repair} accepts it; tuning keys stay out of the checksum; a removed applied version is a history
 * mismatch until {@code repair --forget-missing}.
 */
class ChecksumTest {
  private static final String INDEX = "steps:\n  - id: index-kind\n    type: sql\n"
      + "    sql: CREATE INDEX neurons_kind ON neurons (kind)\n    undo: DROP INDEX neurons_kind\n";
  private static final String INDEX_EDITED = INDEX.replace("(kind)", "(kind, layer)");
  private static final String LATER = "steps:\n  - id: later\n    type: sql\n    sql: CREATE TABLE later_t (x INT)\n";

  @TempDir Path dir;

  @OnBothDatabases
  void editedSqlStepStopsValidateAndRunWithExit4(TestDatabase db) throws Exception {
    Cli cli = applied(db);
    plans().file("V3__index.yaml", INDEX_EDITED).file("V4__later.yaml", LATER);

    Cli.Result validate = cli.run("validate");
    assertThat(validate.exit()).as(validate.toString()).isEqualTo(4);
    assertThat(validate.errors()).singleElement().asString()
        .startsWith(dir.resolve("V3__index.yaml") + ":2: step 'index-kind' changed since it was applied (checksum ")
        .endsWith("; revert it, or run 'repair --accept-changed'");

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(4);
    assertThat(run.errors()).isEqualTo(validate.errors());

    JsonNode json = cli.run("run", "--json").json();
    assertThat(json.get("ok").asBoolean()).isFalse();
    assertThat(json.at("/error/code").asText()).isEqualTo("CHECKSUM_MISMATCH");
    assertThat(json.at("/error/exitCode").asInt()).isEqualTo(4);
    assertThat(json.at("/error/message").asText()).contains("V3__index.yaml", "'index-kind'");
    assertThat(json.at("/error/details")).hasSize(1);

    assertNothingNewApplied(db);
  }

  @OnBothDatabases
  void revertingTheEditClearsTheMismatch(TestDatabase db) throws Exception {
    Cli cli = applied(db);
    plans().file("V3__index.yaml", INDEX_EDITED);
    assertThat(cli.run("validate").exit()).isEqualTo(4);

    plans().file("V3__index.yaml", INDEX);
    Cli.Result validate = cli.run("validate");
    assertThat(validate.exit()).as(validate.toString()).isZero();
  }

  @OnBothDatabases
  void repairWithoutAcceptChangedLeavesTheMismatch(TestDatabase db) throws Exception {
    Cli cli = applied(db);
    plans().file("V3__index.yaml", INDEX_EDITED).file("V4__later.yaml", LATER);

    // repair did what it was asked (nothing) and says what it left alone.
    Cli.Result repair = cli.run("repair", "--json");
    assertThat(repair.exit()).as(repair.toString()).isZero();
    assertThat(repair.json().get("accepted")).isEmpty();
    assertThat(repair.json().get("remaining").get(0).asText())
        .isEqualTo("step 'index-kind' changed since it was applied (use --accept-changed)");

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(4);
    assertNothingNewApplied(db);
  }

  @OnBothDatabases
  void repairAcceptChangedLetsRunProceed(TestDatabase db) throws Exception {
    Cli cli = applied(db);
    String before = db.queryString("SELECT checksum FROM hal9_steps WHERE step_id = 'index-kind'");
    plans().file("V3__index.yaml", INDEX_EDITED).file("V4__later.yaml", LATER);

    Cli.Result repair = cli.run("repair", "--accept-changed", "--json");
    assertThat(repair.exit()).as(repair.toString()).isZero();
    assertThat(repair.json().get("accepted").get(0).asText()).isEqualTo("index-kind");
    assertThat(db.queryString("SELECT checksum FROM hal9_steps WHERE step_id = 'index-kind'")).isNotEqualTo(before);

    assertThat(cli.run("validate").exit()).isZero();
    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.tables()).contains("later_t");
    assertThat(db.queryRows("SELECT step_id, state FROM hal9_steps WHERE version = '4'")).containsExactly("later|done");
    assertThat(db.queryRows("SELECT version FROM hal9_history ORDER BY installed_rank")).containsExactly("1", "2", "3", "4");
  }

  @OnBothDatabases
  void changingOnlyBatchSizeOfAnAppliedSeedIsNotAMismatch(TestDatabase db) throws Exception {
    Cli cli = applied(db);
    plans().seed("2", "seed", 100, 25).file("V4__later.yaml", LATER);

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.tables()).contains("later_t");
    assertThat(db.queryLong("SELECT count(*) FROM neurons")).isEqualTo(100);
  }

  @OnBothDatabases
  void commentsDescriptionsAndKeyOrderAreNotPartOfTheChecksum(TestDatabase db) throws Exception {
    // The checksum is over the step's meaning, not the file's text.
    Cli cli = applied(db);
    plans().file("V3__index.yaml", "# reformatted\nsteps:\n  - type: sql\n    description: speeds up kind filters\n"
        + "    undo: DROP INDEX neurons_kind\n    id: index-kind\n    sql: CREATE INDEX neurons_kind ON neurons (kind)\n");

    Cli.Result validate = cli.run("validate");
    assertThat(validate.exit()).as(validate.toString()).isZero();
  }

  @OnBothDatabases
  void everyEditedStepIsReported(TestDatabase db) throws Exception {
    Cli cli = applied(db);
    plans().file("V2__seed.yaml", Files.readString(dir.resolve("V2__seed.yaml")).replace("seed: 7", "seed: 8"))
        .file("V3__index.yaml", INDEX_EDITED);

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(4);
    assertThat(run.errors()).hasSize(2);
    assertThat(run.errors().get(0)).startsWith("2 applied steps disagree with the plans; first: ");
    assertThat(String.join("\n", run.errors())).contains("step 'seed' changed", "step 'index-kind' changed");

    JsonNode json = cli.run("validate", "--json").json();
    assertThat(json.at("/error/code").asText()).isEqualTo("CHECKSUM_MISMATCH");
    assertThat(json.at("/error/details")).hasSize(2);
  }

  @OnBothDatabases
  void changingTheCountOfAnAppliedSeedIsAMismatch(TestDatabase db) throws Exception {
    Cli cli = applied(db);
    plans().seed("2", "seed", 200, 10);

    Cli.Result run = cli.run("run", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(4);
    assertThat(run.json().at("/error/code").asText()).isEqualTo("CHECKSUM_MISMATCH");
    assertThat(run.json().at("/error/message").asText()).contains("V2__seed.yaml", "'seed'");
    assertThat(db.queryLong("SELECT count(*) FROM neurons")).isEqualTo(100);
  }

  @OnBothDatabases
  void removedAppliedVersionIsAHistoryMismatchUntilForgotten(TestDatabase db) throws Exception {
    Cli cli = applied(db);
    Files.delete(dir.resolve("V3__index.yaml"));
    plans().file("V4__later.yaml", LATER);

    Cli.Result run = cli.run("run", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(4);
    assertThat(run.json().at("/error/code").asText()).isEqualTo("HISTORY_MISMATCH");
    assertThat(run.json().at("/error/exitCode").asInt()).isEqualTo(4);
    assertThat(run.json().at("/error/message").asText()).isEqualTo("step 'index-kind' of version 3 is recorded as done"
        + " in the database but is not in " + dir + "; restore it, or run 'repair --forget-missing'");
    assertThat(cli.run("validate").exit()).isEqualTo(4);
    assertThat(db.tables()).doesNotContain("later_t");

    Cli.Result repair = cli.run("repair", "--forget-missing", "--json");
    assertThat(repair.exit()).as(repair.toString()).isZero();
    assertThat(repair.json().get("forgotten").get(0).asText()).isEqualTo("index-kind");
    assertThat(db.queryLong("SELECT count(*) FROM hal9_steps WHERE step_id = 'index-kind'")).isZero();

    Cli.Result rerun = cli.run("run");
    assertThat(rerun.exit()).as(rerun.toString()).isZero();
    assertThat(db.tables()).contains("later_t");
  }

  @OnBothDatabases
  void editedSqlFileOfAnAppliedStepIsAMismatch(TestDatabase db) throws Exception {
    // The checksum covers the file's content, not only the plan file that names it.
    Plans plans = plans()
        .file("V1__tables.yaml", "steps:\n  - id: tables\n    type: sql\n    file: sql/tables.sql\n")
        .file("sql/tables.sql", "CREATE TABLE file_t (x INT);\n");
    Cli cli = new Cli(db, plans.path());
    assertThat(cli.run("run").exit()).isZero();

    plans.file("sql/tables.sql", "CREATE TABLE file_t (x INT, y INT);\n");
    Cli.Result validate = cli.run("validate", "--json");
    assertThat(validate.exit()).as(validate.toString()).isEqualTo(4);
    assertThat(validate.json().at("/error/code").asText()).isEqualTo("CHECKSUM_MISMATCH");
    assertThat(validate.json().at("/error/message").asText()).contains("V1__tables.yaml", "'tables'");
    assertThat(cli.run("run").exit()).isEqualTo(4);
  }

  /** V1 reference schema, V2 seeds 100 neurons, V3 an index with undo: applied. */
  private Cli applied(TestDatabase db) throws Exception {
    Plans plans = plans().withReferenceSchema().seed("2", "seed", 100, 10).file("V3__index.yaml", INDEX);
    Cli cli = new Cli(db, plans.path());
    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.hasIndex("neurons_kind")).isTrue();
    return cli;
  }

  private Plans plans() {
    return Plans.in(dir);
  }

  /** The edit blocked everything: no V4, the records and rows as after the first run. */
  private static void assertNothingNewApplied(TestDatabase db) throws Exception {
    assertThat(db.tables()).doesNotContain("later_t");
    assertThat(db.queryRows("SELECT step_id, state FROM hal9_steps ORDER BY version"))
        .containsExactly("create-neurons|done", "seed|done", "index-kind|done");
    assertThat(db.queryRows("SELECT version, action FROM hal9_history ORDER BY installed_rank"))
        .containsExactly("1|apply", "2|apply", "3|apply");
    assertThat(db.queryLong("SELECT count(*) FROM neurons")).isEqualTo(100);
  }
}
