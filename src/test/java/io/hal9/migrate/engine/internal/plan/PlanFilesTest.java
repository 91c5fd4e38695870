package io.hal9.migrate.engine.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.api.VersionState;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files a step reads (a sql file, a Flyway folder) are read once, with the plan: what runs is what the
 * checksum covers, even when the file changes before the step starts; a path may not leave the plan directory, by
 * '..', an absolute path or a link; a file that cannot be read is a plan error naming it, before any write.
 */
class PlanFilesTest {
  @TempDir Path dir;

  @OnBothDatabases
  void aSqlFileEditedAfterThePlanWasLoadedRunsAsLoaded(TestDatabase db) throws Exception {
    Plans plans = Plans.in(dir).file("sql/tables.sql", "CREATE TABLE loaded_table (id INT);\n")
        .file("V1__tables.yaml", "steps:\n  - id: tables\n    type: sql\n    file: sql/tables.sql\n");
    try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(db.dataSource()).plans(plans.path()).load()) {
      Files.writeString(dir.resolve("sql/tables.sql"), "CREATE TABLE edited_table (id INT);\n");
      hal9.migrate();
      assertThat(db.tables()).contains("loaded_table").doesNotContain("edited_table");
    }
    // The file now differs from what ran and was recorded: that is the change validate reports.
    Cli.Result validate = new Cli(db, plans.path()).run("validate", "--json");
    assertThat(validate.exit()).as(validate.toString()).isEqualTo(4);
    assertThat(validate.json().at("/error/code").asText()).isEqualTo("CHECKSUM_MISMATCH");
    // And the text that ran is the one the recorded checksum covers.
    Files.writeString(dir.resolve("sql/tables.sql"), "CREATE TABLE loaded_table (id INT);\n");
    try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(db.dataSource()).plans(plans.path()).load()) {
      assertThat(hal9.validate().versions()).singleElement().extracting(Status.VersionStatus::state).isEqualTo(VersionState.DONE);
    }
  }

  @OnBothDatabases
  void aFlywayMigrationEditedAfterThePlanWasLoadedRunsAsLoaded(TestDatabase db) throws Exception {
    Plans plans = Plans.in(dir).file("db/V1__one.sql", "CREATE TABLE loaded_one (id INT);\n")
        .file("db/V2__two.sql", "CREATE TABLE loaded_two (id INT);\n")
        .file("V1__flyway.yaml", "steps:\n  - id: fw\n    type: flyway\n    locations: db\n");
    try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(db.dataSource()).plans(plans.path()).load()) {
      Files.writeString(dir.resolve("db/V2__two.sql"), "CREATE TABLE edited_two (id INT);\n");
      Files.writeString(dir.resolve("db/V3__three.sql"), "CREATE TABLE added_three (id INT);\n");
      hal9.migrate();
    }
    assertThat(db.tables()).contains("loaded_one", "loaded_two").doesNotContain("edited_two", "added_three");
    assertThat(db.queryRows("SELECT \"version\", \"script\", \"success\" FROM \"flyway_fw_history\" WHERE \"version\" IS NOT NULL"
        + " AND \"version\" <> '0' ORDER BY \"installed_rank\"")).containsExactly(
        "1|V1__one.sql|" + (db.isPostgres() ? "t" : "TRUE"), "2|V2__two.sql|" + (db.isPostgres() ? "t" : "TRUE"));
  }

  @OnBothDatabases
  void filesOutsideThePlanDirectoryAreRefusedBeforeAnyWrite(TestDatabase db) throws Exception {
    Path outside = Files.writeString(dir.resolve("secret.sql"), "SELECT 'the secret 4711'");
    Path plan = dir.resolve("plan");
    Plans plans = Plans.in(plan)
        .file("V1__up.yaml", "steps:\n  - id: up\n    type: sql\n    file: ../secret.sql\n")
        .file("V2__absolute.yaml", "steps:\n  - id: absolute\n    type: sql\n    file: " + outside + "\n")
        .file("V3__linked.yaml", "steps:\n  - id: linked\n    type: sql\n    file: sql/link.sql\n")
        .file("V4__flyway.yaml", "steps:\n  - id: fw\n    type: flyway\n    locations: [db, ../elsewhere]\n")
        .file("db/V1__ok.sql", "SELECT 1;\n");
    Files.createDirectories(plan.resolve("sql"));
    Files.createSymbolicLink(plan.resolve("sql/link.sql"), outside);
    Files.createDirectories(dir.resolve("elsewhere"));
    Files.createSymbolicLink(plan.resolve("db/V2__linked.sql"), outside);

    Cli.Result run = new Cli(db, plan).run("run", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.json().at("/error/code").asText()).isEqualTo("PLAN_INVALID");
    List<String> details = run.details();
    assertThat(details).containsExactlyInAnyOrder(
        plan.resolve("V1__up.yaml") + ":4: step 'up' key 'file': ../secret.sql is outside the plan directory " + plan
            + " (give a path inside it)",
        plan.resolve("V2__absolute.yaml") + ":4: step 'absolute' key 'file': " + outside + " is outside the plan"
            + " directory " + plan + " (give a path inside it)",
        plan.resolve("V3__linked.yaml") + ":4: step 'linked' key 'file': sql/link.sql leads outside the plan directory"
            + " (a link to " + outside.toRealPath() + ")",
        plan.resolve("V4__flyway.yaml") + ":4: step 'fw' key 'locations': db/V2__linked.sql leads outside the plan"
            + " directory (a link to " + outside.toRealPath() + ")",
        plan.resolve("V4__flyway.yaml") + ":4: step 'fw' key 'locations': ../elsewhere is outside the plan directory "
            + plan + " (give a path inside it)");
    assertThat(run.out()).doesNotContain("4711");
    assertThat(db.tables()).noneMatch(t -> t.startsWith("hal9_"));
  }

  /**
   * Root reads any file whatever its mode: this runs where the tests do not run as root. The plan is refused before
   * any connection, so one database is enough.
   */
  @Test
  void aFileThatCannotBeReadIsAPlanErrorNamingIt() throws Exception {
    Plans plans = Plans.in(dir).file("sql/locked.sql", "SELECT 1")
        .file("V1__locked.yaml", "steps:\n  - id: locked\n    type: sql\n    file: sql/locked.sql\n");
    Path file = dir.resolve("sql/locked.sql");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    Assumptions.assumeFalse(Files.isReadable(file), "running as root, who reads files of any mode");

    Cli.Result run = new Cli(TestDatabase.h2(), plans.path()).run("run", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.details()).containsExactly(dir.resolve("V1__locked.yaml") + ":4: step 'locked' key 'file': cannot read "
        + file + ": permission denied");
  }

  @OnBothDatabases
  void transactionControlInASqlStepIsRefusedBeforeAnyWrite(TestDatabase db) throws Exception {
    Plans plans = Plans.in(dir)
        .file("sql/schema.sql", "BEGIN;\nCREATE TABLE c1 (id INT);\nCOMMIT;\nCREATE TABLE c2 (id INT);\nSELECT 1/0;\n")
        .file("V1__schema.yaml", "steps:\n  - id: schema\n    type: sql\n    file: sql/schema.sql\n")
        .file("V2__inline.yaml", "steps:\n  - id: inline\n    type: sql\n    sql: |\n      CREATE TABLE c3 (id INT);\n"
            + "      SAVEPOINT before_rows;\n      INSERT INTO c3 VALUES (1);\n      ROLLBACK TO SAVEPOINT before_rows;\n");

    Cli.Result run = new Cli(db, plans.path()).run("run", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    String rest = ": a sql step's statements run in one transaction with its checkpoint, and transaction control would"
        + " commit part of them before it; remove it (statements that cannot run in a transaction go in a step with"
        + " 'transaction: false')";
    assertThat(run.details()).containsExactly(
        dir.resolve("V1__schema.yaml") + ":4: step 'schema' key 'file': sql/schema.sql:1: BEGIN" + rest,
        dir.resolve("V1__schema.yaml") + ":4: step 'schema' key 'file': sql/schema.sql:3: COMMIT" + rest,
        dir.resolve("V2__inline.yaml") + ":4: step 'inline' key 'sql': V2__inline.yaml:6: SAVEPOINT" + rest,
        dir.resolve("V2__inline.yaml") + ":4: step 'inline' key 'sql': V2__inline.yaml:8: ROLLBACK" + rest);
    assertThat(db.tables()).doesNotContain("c1", "c2", "c3").noneMatch(t -> t.startsWith("hal9_"));
  }

  /** PostgreSQL's DO blocks (H2 has none). */
  @Test
  void blocksThatMerelyContainBeginAndEndAreNotTransactionControl() throws Exception {
    try (TestDatabase db = TestDatabase.postgres()) {
      runsADoBlock(db);
    }
  }

  private void runsADoBlock(TestDatabase db) throws Exception {
    Plans plans = Plans.in(dir).file("V1__do.yaml", "steps:\n  - id: do\n    type: sql\n    sql: |\n"
        + "      CREATE TABLE flags (name TEXT);\n      DO $$\n      BEGIN\n        INSERT INTO flags VALUES ('on');\n"
        + "      END $$;\n");
    Cli.Result run = new Cli(db, plans.path()).run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.queryString("SELECT name FROM flags")).isEqualTo("on");
  }

  @OnBothDatabases
  void aStatementThatCannotRunInATransactionNeedsTransactionFalse(TestDatabase db) throws Exception {
    String sql = db.isPostgres() ? "CREATE INDEX CONCURRENTLY t_id ON t (id)" : "CREATE TABLE t2 (id INT)";
    Plans plans = Plans.in(dir).file("V1__t.yaml", "steps:\n  - id: t\n    type: sql\n    sql: CREATE TABLE t (id INT)\n")
        .file("V2__index.yaml", "steps:\n  - id: index\n    type: sql\n    sql: " + sql + "\n");
    Cli.Result run = new Cli(db, plans.path()).run("run", "--json");
    if (!db.isPostgres()) {
      assertThat(run.exit()).as("H2 knows no statement that must run outside a transaction: %s", run).isZero();
      return;
    }
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.details()).containsExactly(dir.resolve("V2__index.yaml") + ":4: step 'index' key 'sql':"
        + " V2__index.yaml:4: CREATE INDEX CONCURRENTLY t_id cannot run in a transaction: give the step"
        + " 'transaction: false' (its statements then run one at a time, each committed by itself, not atomically)");
    assertThat(db.tables()).noneMatch(t -> t.startsWith("hal9_"));
  }
}
