package io.hal9.migrate.engine.internal.steps;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The schema step types: sql (inline, file, per database, undo) and flyway (own history, resume). */
class SqlAndFlywayStepTest {
  @TempDir Path dir;

  @OnBothDatabases
  void sqlRunsSeveralStatementsFromAFileOrPerDatabaseAndRollsBackWithUndo(TestDatabase db) throws Exception {
    Plans plans = Plans.in(dir)
        .file("sql/tags.sql", "CREATE TABLE tags (id INT PRIMARY KEY, name VARCHAR(20));\nINSERT INTO tags VALUES (1, 'a');\nINSERT INTO tags VALUES (2, 'b');\n")
        .file("V1__tags.yaml", "steps:\n  - id: tags\n    type: sql\n    file: sql/tags.sql\n    undo: DROP TABLE tags\n")
        .file("V2__notes.yaml", "steps:\n  - id: notes\n    type: sql\n    sql:\n      postgresql: CREATE TABLE notes (body TEXT)\n"
            + "      h2: CREATE TABLE notes (body CLOB)\n    undo: DROP TABLE notes\n");
    Cli cli = new Cli(db, plans.path());

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM tags")).isEqualTo(2);
    // Rows are what the driver reports, statement by statement.
    assertThat(db.queryRows("SELECT step_id, rows_done FROM hal9_steps ORDER BY step_id")).containsExactly("notes|0", "tags|2");
    assertThat(db.tables()).contains("tags", "notes");

    Cli.Result rollback = cli.run("rollback", "--to", "0");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(db.tables()).doesNotContain("tags", "notes");
    assertThat(db.queryRows("SELECT version, action FROM hal9_history ORDER BY installed_rank"))
        .containsExactly("1|apply", "2|apply", "2|rollback", "1|rollback");
  }

  @OnBothDatabases
  void rollbackRefusesBeforeTouchingAnythingWhenAStepHasNoUndo(TestDatabase db) throws Exception {
    Plans plans = Plans.in(dir)
        .file("V1__a.yaml", "steps:\n  - id: a\n    type: sql\n    sql: CREATE TABLE a (id INT)\n")
        .file("V2__b.yaml", "steps:\n  - id: b\n    type: sql\n    sql: CREATE TABLE b (id INT)\n    undo: DROP TABLE b\n");
    Cli cli = new Cli(db, plans.path());
    assertThat(cli.run("run").exit()).isZero();

    Cli.Result refused = cli.run("rollback", "--to", "0", "--json");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.json().at("/error/code").asText()).isEqualTo("ROLLBACK_REFUSED");
    assertThat(refused.json().at("/error/message").asText()).contains("V1__a.yaml:2 step 'a'", "has no undo", "nothing was changed");
    assertThat(db.tables()).contains("a", "b");
    assertThat(db.queryRows("SELECT step_id, state FROM hal9_steps ORDER BY step_id")).containsExactly("a|done", "b|done");
  }

  @OnBothDatabases
  void flywayStepKeepsItsOwnHistoryAndResumesAfterAFailedMigration(TestDatabase db) throws Exception {
    Plans plans = Plans.in(dir)
        .file("db/V1__table.sql", "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20));\n")
        .file("db/V2__rows.sql", "INSERT INTO items VALUES (1, 'one');\n")
        .file("db/V3__broken.sql", "INSERT INTO items VALUES (2, 'two', 'too many values');\n")
        .file("V1__legacy.yaml", "steps:\n  - id: legacy\n    type: flyway\n    locations: db\n");
    Cli cli = new Cli(db, plans.path());

    Cli.Result failed = cli.run("run", "--json");
    assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.json().at("/error/code").asText()).isEqualTo("STEP_FAILED");
    assertThat(failed.json().at("/error/message").asText()).contains("step 'legacy'", "V1__legacy.yaml");
    assertThat(db.queryRows("SELECT state FROM hal9_steps")).containsExactly("failed");
    assertThat(db.queryLong("SELECT count(*) FROM items")).isEqualTo(1);

    plans.file("db/V3__broken.sql", "INSERT INTO items VALUES (2, 'two');\n");
    assertThat(cli.run("run").exit()).as("the step's migrations changed: checksum").isEqualTo(4);
    assertThat(cli.run("repair", "--accept-changed").exit()).isZero();
    Cli.Result resumed = cli.run("run");
    assertThat(resumed.exit()).as(resumed.toString()).isZero();

    assertThat(db.queryRows("SELECT id, name FROM items ORDER BY id")).containsExactly("1|one", "2|two");
    String history = db.isPostgres() ? "flyway_legacy_history" : "\"flyway_legacy_history\""; // Flyway quotes it on H2
    assertThat(db.queryRows("SELECT \"version\" FROM " + history + " WHERE \"success\" AND \"version\" <> '0' ORDER BY \"installed_rank\""))
        .as("V1 and V2 ran once, before the failure; V3 on the rerun").containsExactly("1", "2", "3");
    assertThat(db.queryRows("SELECT state, rows_done, attempts FROM hal9_steps")).containsExactly("done|1|2");
  }
}
