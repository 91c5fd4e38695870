package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.support.Children.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Children;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner whose database sessions are all ended mid-step (PostgreSQL: {@code pg_terminate_backend}; H2:
 * {@code ABORT_SESSION} by this JVM, which serves the file) fails the step (exit 1) and records it on fresh
 * connections: the step is {@code failed} with its error, the run {@code failed}, and the lock released, not left
 * held by a run that is gone. The rerun resumes from the last checkpoint and completes.
 */
class ConnectionLossTest {
  private static final long COUNT = 50_000;

  @OnBothDatabases
  void aRunnerCutOffFromTheDatabaseRecordsItsFailureAndReleasesTheLock(TestDatabase db, @TempDir Path dir) throws Exception {
    Path plans = Children.seedPlan(dir, COUNT, 1000);
    // H2: this JVM serves the file (see FencingTest), so it can end the runner's sessions and the file stays open.
    try (Connection owner = db.connect(); Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess a = children.start("run", "--progress-interval", "0");
      a.awaitRows(5_000, RUN_TIMEOUT);
      assertThat(endOtherSessions(owner, db)).as("sessions ended").isPositive();

      assertThat(a.waitFor(RUN_TIMEOUT)).as(a.toString()).isEqualTo(1);
      assertThat(a.stderr()).contains("hal9-migrate: error: step 'seed' (V2__seed.yaml) failed: ",
          "the checkpoint is kept, run again to resume");
      assertThat(Children.runState(db, a)).isEqualTo("failed");

      JsonNode status = new Cli(db, plans).run("status", "--json").json();
      JsonNode seed = status.at("/versions/1/steps/0");
      assertThat(seed.get("id").asText()).isEqualTo("seed");
      assertThat(seed.get("state").asText()).as(status.toString()).isEqualTo("failed");
      assertThat(seed.get("error").isTextual()).as(status.toString()).isTrue();
      assertThat(status.at("/versions/1/state").asText()).isEqualTo("failed");
      assertThat(status.get("lock").isNull()).as("the lock is released: %s", status).isTrue();
      long rowsDone = Children.rowsDone(db);
      assertThat(Children.neurons(db)).isEqualTo(rowsDone);

      CliProcess rerun = children.start("run", "--progress-interval", "0");
      assertThat(rerun.waitFor(RUN_TIMEOUT)).as(rerun.toString()).isZero();
      assertThat(rerun.stderr()).contains("resumed after " + rowsDone + " rows");
    }
    assertThat(Children.neurons(db)).isEqualTo(COUNT);
    assertThat(db.queryLong("SELECT count(DISTINCT id) FROM neurons")).isEqualTo(COUNT);
    assertThat(db.queryRows("SELECT state, rows_done, attempts FROM hal9_steps WHERE step_id = 'seed'"))
        .containsExactly("done|" + COUNT + "|2");
  }

  /** Ends every session of the database but {@code own}'s; returns how many. */
  private static int endOtherSessions(Connection own, TestDatabase db) throws SQLException {
    try (Statement s = own.createStatement()) {
      if (db.isPostgres()) {
        try (ResultSet rows = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
          rows.next();
          return rows.getInt(1);
        }
      }
      List<Long> sessions = new ArrayList<>();
      try (ResultSet rows = s.executeQuery("SELECT session_id FROM information_schema.sessions WHERE session_id <> SESSION_ID()")) {
        while (rows.next()) {
          sessions.add(rows.getLong(1));
        }
      }
      for (long session : sessions) {
        s.execute("SELECT ABORT_SESSION(" + session + ")");
      }
      return sessions.size();
    }
  }
}
