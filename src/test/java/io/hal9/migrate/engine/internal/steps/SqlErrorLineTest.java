package io.hal9.migrate.engine.internal.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sql step's statement that fails is named as psql names it, {@code <file>:<line>: ERROR: <database message>}: the
 * SQL file as the plan writes it, or the plan file for inline SQL, and the line where the statement starts (where
 * the error is, when the database says). The failure is exit 1 (STEP_FAILED) and, on PostgreSQL, leaves nothing of
 * the step behind. Every line number below is counted in the text the test writes.
 */
class SqlErrorLineTest {
  @TempDir Path dir;

  @OnBothDatabases
  void failingStatementOfAFileIsNamedByTheFileAndItsLine(TestDatabase db) throws Exception {
    Plans.in(dir)
        .file("sql/schema.sql", """
            -- tags for the demo
            CREATE TABLE tags (id INT PRIMARY KEY, name VARCHAR(20));
            INSERT INTO tags VALUES (1, 'a');

            /* the second row goes
               into a table that is not there */
            INSERT INTO missing_table VALUES (2, 'b');
            INSERT INTO tags VALUES (3, 'c');
            """)
        .file("V1__schema.yaml", "steps:\n  - id: schema\n    type: sql\n    file: sql/schema.sql\n");

    String error = failed(db);
    // Line 7: after the comment that precedes the statement.
    assertThat(error).contains(db.isPostgres()
        ? "sql/schema.sql:7: ERROR: relation \"missing_table\" does not exist"
        : "sql/schema.sql:7: ERROR: Table \"MISSING_TABLE\" not found");
    assertThat(db.queryRows("SELECT step_id, state FROM hal9_steps")).containsExactly("schema|failed");
    if (db.isPostgres()) {
      assertThat(db.tables()).as("one transaction: the CREATE TABLE went with it").doesNotContain("tags");
    }
  }

  @OnBothDatabases
  void syntaxErrorInsideAStatementIsNamedByTheLineOfTheError(TestDatabase db) throws Exception {
    Plans.in(dir)
        .file("schema.sql", """
            CREATE TABLE tags (id INT PRIMARY KEY, name VARCHAR(20));
            -- two rows, the second without its comma
            INSERT INTO tags (id, name)
              VALUES (1, 'a'),
                     (2 'b');
            """)
        .file("V1__schema.yaml", "steps:\n  - id: schema\n    type: sql\n    file: schema.sql\n");

    String error = failed(db);
    // The statement starts on line 3; both databases point at the missing comma on line 5.
    assertThat(error).contains(db.isPostgres()
        ? "schema.sql:5: ERROR: syntax error at or near \"'b'\""
        : "schema.sql:5: ERROR: Syntax error in SQL statement");
  }

  @OnBothDatabases
  void unknownColumnInsideAStatementIsNamedByTheLineOfTheStatementOrOfTheError(TestDatabase db) throws Exception {
    Plans.in(dir)
        .file("schema.sql", """
            CREATE TABLE tags (id INT PRIMARY KEY, name VARCHAR(20));
            INSERT INTO tags (id, name)
              VALUES (1, 'a'),
                     (2, nope);
            """)
        .file("V1__schema.yaml", "steps:\n  - id: schema\n    type: sql\n    file: schema.sql\n");

    String error = failed(db);
    // PostgreSQL gives the error's position (line 4); H2 does not, so its statement's first line (2) is named.
    assertThat(error).contains(db.isPostgres()
        ? "schema.sql:4: ERROR: column \"nope\" does not exist"
        : "schema.sql:2: ERROR: Column \"NOPE\" not found");
  }

  @Test
  void plpgsqlVariableNamedCurrentDateIsNamedByTheLineOfItsAssignment() throws Exception {
    // HAL9's real schema declares a variable current_date: PostgreSQL accepts the declaration and refuses the
    // assignment, a reserved word to its SQL parser, when it validates the function at CREATE time.
    try (TestDatabase db = TestDatabase.postgres()) {
      Plans.in(dir)
          .file("schema.sql", """
              CREATE TABLE visits (id INT PRIMARY KEY, seen DATE);

              CREATE FUNCTION touch() RETURNS date
              LANGUAGE plpgsql AS $$
              DECLARE
                current_date date;
              BEGIN
                current_date := now()::date;
                RETURN current_date;
              END;
              $$;
              """)
          .file("V1__schema.yaml", "steps:\n  - id: schema\n    type: sql\n    file: schema.sql\n");

      String where = "schema.sql:8: ERROR: syntax error at or near \"current_date\"";
      assertThat(failed(db)).contains(where);
      assertThat(db.tables()).as("one transaction: the table of line 1 is gone too").doesNotContain("visits");
      assertThat(db.queryLong("SELECT count(*) FROM pg_proc WHERE proname = 'touch'")).isZero();
      assertThat(db.queryString("SELECT error FROM hal9_steps WHERE step_id = 'schema'")).contains(where);

      // Nothing was left behind, so a rerun fails on the same line (not on "relation visits already exists").
      Cli.Result again = new Cli(db, dir).run("run");
      assertThat(again.exit()).as(again.toString()).isEqualTo(1);
      assertThat(again.errors()).singleElement().asString().contains(where);
    }
  }

  @OnBothDatabases
  void inlineBlockIsNamedByThePlanFileAndTheLineInIt(TestDatabase db) throws Exception {
    // The '|' block starts on line 5, the line after its key; its third statement is on line 7.
    Plans.in(dir).file("V1__tags.yaml", """
        steps:
          - id: tags
            type: sql
            sql: |
              CREATE TABLE tags (id INT PRIMARY KEY, name VARCHAR(20));
              INSERT INTO tags VALUES (1, 'a');
              INSERT INTO tags VALUES (1, 'again');
              INSERT INTO tags VALUES (2, 'b');
        """);

    String error = failed(db);
    assertThat(error).contains(db.isPostgres()
        ? "V1__tags.yaml:7: ERROR: duplicate key value violates unique constraint \"tags_pkey\""
        : "V1__tags.yaml:7: ERROR: Unique index or primary key violation");
    if (db.isPostgres()) {
      assertThat(db.tables()).as("one transaction: nothing of the step is left").doesNotContain("tags");
      Cli.Result again = new Cli(db, dir).run("run");
      assertThat(again.exit()).as(again.toString()).isEqualTo(1);
      assertThat(again.errors()).singleElement().asString().contains("V1__tags.yaml:7: ERROR: duplicate key value");
    }
  }

  @OnBothDatabases
  void inlineSqlPerDatabaseIsNamedByTheLineOfThatDatabasesEntry(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__tags.yaml", """
        steps:
          - id: tags
            type: sql
            sql:
              postgresql: |
                CREATE TABLE tags (id INT PRIMARY KEY);
                SELECT nope FROM tags;
              h2: |
                CREATE TABLE tags (id INT PRIMARY KEY);

                SELECT nope FROM tags;
        """);

    String error = failed(db);
    assertThat(error).contains(db.isPostgres()
        ? "V1__tags.yaml:7: ERROR: column \"nope\" does not exist"
        : "V1__tags.yaml:11: ERROR: Column \"NOPE\" not found");
  }

  @OnBothDatabases
  void inlineSqlOnTheKeysLineIsNamedByThatLine(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: x\n    type: sql\n    sql: SELECT 1; SELECT 1 FROM missing_table\n");

    assertThat(failed(db)).contains("V1__x.yaml:4: ERROR: ");
  }

  /** {@code run} fails with exit 1 (STEP_FAILED); returns the error message, also printed by the text output. */
  private String failed(TestDatabase db) {
    Cli cli = new Cli(db, dir);
    Cli.Result run = cli.run("run", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(1);
    JsonNode json = run.json();
    assertThat(json.at("/error/code").asText()).isEqualTo("STEP_FAILED");
    String message = json.at("/error/message").asText();
    return message;
  }
}
