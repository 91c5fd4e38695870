package io.hal9.migrate.engine.internal.steps;

import static io.hal9.migrate.support.Children.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.Children;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sql} steps with {@code transaction: false}: the statements run one at a time, each committed with a
 * checkpoint naming it, so a rerun after a failure goes on after the last statement that succeeded and never runs
 * one again; what cannot run in a transaction (CREATE INDEX CONCURRENTLY) runs; and a runner stalled past its lease
 * in such a step is taken over and commits no statement more (exit 3, not a step failure).
 */
class SqlNoTransactionTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Statement 4 of 6 fails (its table does not exist yet). Statements 1-3 cannot run twice (a CREATE TABLE without
   * IF NOT EXISTS, inserts into a primary key): the rerun succeeds only if it starts at statement 4.
   */
  @OnBothDatabases
  void aRerunGoesOnAfterTheLastStatementThatSucceeded(TestDatabase db, @TempDir Path dir) throws Exception {
    Path plans = Plans.in(dir).file("V1__one_by_one.yaml", """
        steps:
          - id: one-by-one
            type: sql
            transaction: false
            sql: |
              CREATE TABLE a (n INT PRIMARY KEY);
              INSERT INTO a VALUES (1);
              INSERT INTO a VALUES (2);
              INSERT INTO later VALUES (1);
              INSERT INTO a VALUES (3);
              INSERT INTO later VALUES (2);
        """).path();
    Cli cli = new Cli(db, plans);

    Cli.Result failed = cli.run("run");
    assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.errors()).singleElement().asString().contains("step 'one-by-one'", "V1__one_by_one.yaml:9");
    assertThat(db.queryRows("SELECT state, cursor_value FROM hal9_steps")).as("statement 3 (index 2) was the last done")
        .containsExactly("failed|2");
    assertThat(db.queryRows("SELECT n FROM a ORDER BY n")).containsExactly("1", "2");

    db.execute("CREATE TABLE later (n INT PRIMARY KEY)");
    Cli.Result rerun = cli.run("run");
    assertThat(rerun.exit()).as(rerun.toString()).isZero();
    assertThat(db.queryRows("SELECT n FROM a ORDER BY n")).containsExactly("1", "2", "3");
    assertThat(db.queryRows("SELECT n FROM later ORDER BY n")).containsExactly("1", "2");
    assertThat(db.queryRows("SELECT state, cursor_value, attempts FROM hal9_steps")).containsExactly("done|5|2");
  }

  @Test
  void onPostgresCreateIndexConcurrentlyRuns(@TempDir Path dir) throws Exception {
    Path plans = Plans.in(dir).file("V1__concurrently.yaml", """
        steps:
          - id: concurrently
            type: sql
            transaction: false
            sql: |
              CREATE TABLE big (n INT PRIMARY KEY, k INT);
              INSERT INTO big SELECT g, g % 7 FROM generate_series(1, 1000) g;
              CREATE INDEX CONCURRENTLY big_k ON big (k);
        """).path();
    try (TestDatabase db = TestDatabase.postgres()) {
      Cli.Result run = new Cli(db, plans).run("run");
      assertThat(run.exit()).as(run.toString()).isZero();
      assertThat(db.queryRows("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
          + " WHERE c.relname = 'big_k'")).containsExactly("t");
      assertThat(db.queryRows("SELECT state, cursor_value FROM hal9_steps")).containsExactly("done|2");
    }
  }

  /**
   * 3,000 inserts into a primary key, one statement each: the stalled runner's takeover goes on after its last
   * checkpoint, and the stalled runner, woken up, commits nothing more and ends LOCK_LOST, so every row is there once.
   */
  @OnBothDatabases
  void aRunnerStalledPastItsLeaseIsTakenOverAndRunsNoStatementMore(TestDatabase db, @TempDir Path dir) throws Exception {
    int count = 3000;
    StringBuilder inserts = new StringBuilder();
    for (int n = 1; n <= count; n++) {
      inserts.append("      INSERT INTO t VALUES (").append(n).append(");\n");
    }
    Path plans = Plans.in(dir.resolve("plans"))
        .file("V1__t.yaml", "steps:\n  - id: t\n    type: sql\n    sql: CREATE TABLE t (n INT PRIMARY KEY)\n")
        .file("V2__inserts.yaml", "steps:\n  - id: inserts\n    type: sql\n    transaction: false\n    sql: |\n" + inserts)
        .path();
    // H2: this JVM serves the file (see FencingTest), so the stalled runner does not hold everyone's way in.
    try (Connection owner = db.isPostgres() ? null : db.connect();
        Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess a = children.start("run", "--json", "--lease", "3", "--progress-interval", "0");
      a.awaitRows(300, RUN_TIMEOUT);
      a.signal("STOP");
      long epoch = db.queryLong("SELECT epoch FROM hal9_lock");
      Children.await("A's lease runs out", Duration.ofSeconds(30),
          () -> Children.count(db, "SELECT count(*) FROM hal9_lock WHERE lease_until < LOCALTIMESTAMP") == 1);
      long frozenAt = db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = 'inserts'");
      assertThat(frozenAt).isLessThan(count);

      CliProcess b = children.start("run", "--lease", "3", "--progress-interval", "0");
      assertThat(b.waitFor(RUN_TIMEOUT)).as(b.toString()).isZero();
      assertThat(b.stderr()).contains("resumed after " + frozenAt + " rows");

      a.signal("CONT");
      assertThat(a.waitFor(RUN_TIMEOUT)).as(a.toString()).isEqualTo(3);
      JsonNode lost = JSON.readTree(a.stdout());
      assertThat(lost.at("/error/code").asText()).as(a.toString()).isEqualTo("LOCK_LOST");
      assertThat(lost.at("/error/message").asText()).contains("holds epoch " + epoch, "another runner took over: ",
          "step 'inserts' had committed " + frozenAt + " rows");
      assertThat(Children.runState(db, a)).isEqualTo("lock_lost");
      assertThat(Children.runState(db, b)).isEqualTo("done");
    }
    assertThat(db.queryRows("SELECT count(*), count(DISTINCT n), min(n), max(n) FROM t"))
        .containsExactly(count + "|" + count + "|1|" + count);
    assertThat(db.queryRows("SELECT state, cursor_value, rows_done FROM hal9_steps WHERE step_id = 'inserts'"))
        .containsExactly("done|" + (count - 1) + "|" + count);
  }
}
