package io.hal9.migrate.engine.internal.steps;

import static io.hal9.migrate.support.Children.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.Children;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner stalled (SIGSTOP) inside a {@code flyway} step past its lease is taken over; the new runner applies the
 * rest of the migrations, and the stalled one, woken up, commits no migration more: it exits 3 (LOCK_LOST) naming
 * the last migration it had committed. Every migration ends applied once, by one runner or the other. On
 * PostgreSQL also the case found by issue 10: the runner stalled inside a migration sleeping on the server.
 */
class FlywayFencingTest {
  private static final String STEP = "many";
  /** Flyway quotes its history table's name on H2, so the quoted lower-case name works on both databases. */
  private static final String HISTORY = "\"flyway_many_history\"";
  private static final ObjectMapper JSON = new ObjectMapper();

  @OnBothDatabases
  void aRunnerStalledInsideAFlywayStepIsTakenOverAndCommitsNoMoreMigrations(TestDatabase db, @TempDir Path dir)
      throws Exception {
    int count = 300;
    Path plans = flywayPlan(dir, count, n -> "");
    // H2: this JVM serves the file (see FencingTest), so the stalled runner does not hold everyone's way in.
    try (Connection owner = db.isPostgres() ? null : db.connect();
        Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess a = children.start("run", "--json", "--lease", "3");
      Children.await("A applies 20 migrations", RUN_TIMEOUT, () -> migrations(db) >= 20);
      a.signal("STOP");
      long epoch = db.queryLong("SELECT epoch FROM hal9_lock");
      awaitLeaseExpired(db);
      // A is stopped: what Flyway's history holds now is all it committed (a commit it had sent is done by now).
      long committedByA = migrations(db);
      assertThat(committedByA).as("A stopped mid-step").isLessThan(count);

      CliProcess b = children.start("run", "--lease", "3");
      assertThat(b.waitFor(RUN_TIMEOUT)).as(b.toString()).isZero();
      assertThat(db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = '" + STEP + "'"))
          .as("B applied every migration A had not committed").isEqualTo(count - committedByA);

      a.signal("CONT");
      assertThat(a.waitFor(RUN_TIMEOUT)).as(a.toString()).isEqualTo(3);
      assertLockLost(a, epoch, committedByA);
      assertThat(Children.runState(db, a)).isEqualTo("lock_lost");
      assertThat(Children.runState(db, b)).isEqualTo("done");
    }
    assertEveryMigrationAppliedOnce(db, count);
  }

  /**
   * Issue 10's case: a 6 s lease, a migration sleeping 12 s on the server for the first runner only, that runner
   * stopped in it. Its session is ended by the takeover; woken up, it applies nothing more: the migrations after
   * the sleeping one are applied once, by the second runner.
   */
  @Test
  void onPostgresARunnerStoppedInsideASleepingMigrationAppliesNothingAfterTheTakeover(@TempDir Path dir) throws Exception {
    int count = 20;
    int sleeping = 8;
    Path plans = flywayPlan(dir, count, n -> n != sleeping ? ""
        : "SELECT pg_sleep(CASE WHEN (SELECT count(*) FROM hal9_runs) = 1 THEN 12 ELSE 0 END);\n");
    try (TestDatabase db = TestDatabase.postgres(); Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess a = children.start("run", "--json", "--lease", "6");
      Children.await("A sleeps in V" + sleeping, RUN_TIMEOUT, () -> Children.count(db, "SELECT count(*) FROM pg_stat_activity"
          + " WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep(%'") == 1);
      a.signal("STOP");
      long epoch = db.queryLong("SELECT epoch FROM hal9_lock");
      awaitLeaseExpired(db);
      assertThat(migrations(db)).as("A committed the migrations before the sleeping one").isEqualTo(sleeping - 1);

      CliProcess b = children.start("run", "--lease", "6");
      assertThat(b.waitFor(RUN_TIMEOUT)).as(b.toString()).isZero();
      assertThat(db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = '" + STEP + "'"))
          .as("B applied the sleeping migration and every one after it").isEqualTo(count - sleeping + 1);

      a.signal("CONT");
      assertThat(a.waitFor(RUN_TIMEOUT)).as(a.toString()).isEqualTo(3);
      assertLockLost(a, epoch, sleeping - 1);
      assertThat(Children.runState(db, a)).isEqualTo("lock_lost");
      assertEveryMigrationAppliedOnce(db, count);
    }
  }

  /**
   * V1 of the flyway step creates {@code applied} and every migration n inserts n into it, after the SQL
   * {@code before} gives it.
   */
  private static Path flywayPlan(Path dir, int count, IntFunction<String> before) {
    Plans plans = Plans.in(dir.resolve("plans"))
        .file("V1__flyway.yaml", "steps:\n  - id: " + STEP + "\n    type: flyway\n    locations: db\n");
    for (int n = 1; n <= count; n++) {
      plans.file("db/V" + n + "__m" + n + ".sql", (n == 1 ? "CREATE TABLE applied (n INT PRIMARY KEY);\n" : "")
          + before.apply(n) + "INSERT INTO applied VALUES (" + n + ");\n");
    }
    return plans.path();
  }

  /** Migrations Flyway's history holds as applied (its baseline row not counted); -1 before it exists. */
  private static long migrations(TestDatabase db) {
    try {
      return db.queryLong("SELECT count(*) FROM " + HISTORY + " WHERE \"success\" AND \"version\" <> '0'");
    } catch (SQLException e) {
      return -1;
    }
  }

  private static void awaitLeaseExpired(TestDatabase db) throws InterruptedException {
    Children.await("A's lease runs out", Duration.ofSeconds(30),
        () -> Children.count(db, "SELECT count(*) FROM hal9_lock WHERE lease_until < LOCALTIMESTAMP") == 1);
  }

  /** LOCK_LOST, saying who took over and what Flyway had committed: the migrations up to {@code lastVersion}. */
  private static void assertLockLost(CliProcess a, long epoch, long lastVersion) throws Exception {
    JsonNode lost = JSON.readTree(a.stdout());
    assertThat(lost.at("/error/code").asText()).as(a.toString()).isEqualTo("LOCK_LOST");
    assertThat(lost.at("/error/message").asText()).as(a.toString()).contains("holds epoch " + epoch,
        "another runner took over: ", "Flyway's history flyway_many_history ended at version " + lastVersion + " ");
  }

  /** {@code applied} holds 1..count once each, and Flyway's history each version once, applied with success. */
  private static void assertEveryMigrationAppliedOnce(TestDatabase db, int count) throws SQLException {
    assertThat(db.queryRows("SELECT count(*), count(DISTINCT n), min(n), max(n) FROM applied"))
        .containsExactly(count + "|" + count + "|1|" + count);
    assertThat(db.queryRows("SELECT count(*), count(DISTINCT \"version\") FROM " + HISTORY + " WHERE \"version\" <> '0'"))
        .containsExactly(count + "|" + count);
    assertThat(db.queryLong("SELECT count(*) FROM " + HISTORY + " WHERE NOT \"success\"")).isZero();
    assertThat(db.queryRows("SELECT state FROM hal9_steps WHERE step_id = '" + STEP + "'")).containsExactly("done");
  }
}
