package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.support.Children.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.Children;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A healthy runner whose lease connection is cut ({@code pg_terminate_backend}) keeps its lock: other runners are
 * refused (exit 3, LOCKED) while its session lock is missing and its heartbeat still recent, and after its lease
 * reconnected and took the session lock of its epoch again; it completes its step. PostgreSQL only: that session lock
 * (advisory key 0x48414c39, the epoch) is what a cut connection loses; H2 has no session lock, and its lease is
 * judged by the lease row alone.
 */
class LeaseReconnectTest {
  /** The lease's session lock in pg_locks: an advisory lock on two int4 keys, the first 0x48414c39. */
  private static final String LEASE_SESSION = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = "
      + 0x4841_4c39L + " AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())";

  @Test
  void aRunnerWhoseLeaseConnectionIsCutReconnectsAndKeepsItsLock(@TempDir Path dir) throws Exception {
    // A 12 s lease renews every 4 s; a holder without its session lock counts as dead only once it missed a renewal.
    Path plans = Plans.in(dir.resolve("plans"))
        .file("V1__sleep.yaml", "steps:\n  - id: sleep\n    type: sql\n    sql: SELECT pg_sleep(15)\n").path();
    try (TestDatabase db = TestDatabase.postgres(); Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess a = children.start("run", "--lease", "12");
      Children.await("A runs its step", RUN_TIMEOUT, () -> Children.count(db, "SELECT count(*) FROM pg_stat_activity"
          + " WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep(%'") == 1);
      Cli cli = new Cli(db, plans);
      assertThat(cli.run("status").exit()).isZero(); // this JVM's first command, so the next one is quick
      // Cut it just after a renewal, so the next one is seconds away: the session lock stays missing meanwhile.
      String renewed = db.queryString("SELECT heartbeat_at FROM hal9_lock");
      Children.await("A renews its lease", Duration.ofSeconds(10),
          () -> !renewed.equals(string(db, "SELECT heartbeat_at FROM hal9_lock")));
      long leaseSession = db.queryLong(LEASE_SESSION);
      assertThat(db.queryRows("SELECT pg_terminate_backend(" + leaseSession + ")")).containsExactly("t");
      Children.await("A's lease session ends", Duration.ofSeconds(5),
          () -> Children.count(db, "SELECT count(*) FROM pg_stat_activity WHERE pid = " + leaseSession) == 0);

      Cli.Result refused = cli.run("run", "--lease", "12");
      assertThat(refused.exit()).as("refused while A's session lock is missing\n%s", refused).isEqualTo(3);
      assertThat(refused.errors()).singleElement().asString().contains("locked by a live run", "(pid " + a.pid() + ")");
      assertThat(db.queryLong("SELECT count(*) FROM (" + LEASE_SESSION + ") s"))
          .as("A had not yet taken its session lock again when the second run was refused").isZero();
      assertThat(cli.run("status", "--json").json().at("/lock/deadBecause").isNull()).isTrue();

      Children.await("A's lease reconnects", Duration.ofSeconds(15),
          () -> a.stderr().contains("lease of epoch 1 renewed on a new connection"));
      assertThat(db.queryLong(LEASE_SESSION)).as("a new session holds A's lock").isNotIn(0L, leaseSession);
      CliProcess again = children.start("run", "--lease", "12");
      assertThat(again.waitFor(RUN_TIMEOUT)).as("refused after A reconnected\n%s", again).isEqualTo(3);

      assertThat(a.waitFor(RUN_TIMEOUT)).as(a.toString()).isZero();
      assertThat(a.stderr()).contains("lease heartbeat failed");
      assertThat(Children.runState(db, a)).isEqualTo("done");
      assertThat(db.queryRows("SELECT state, attempts FROM hal9_steps")).containsExactly("done|1");
      assertThat(db.queryRows("SELECT epoch, run_id FROM hal9_lock")).containsExactly("1|null");
    }
  }

  private static String string(TestDatabase db, String sql) {
    try {
      return db.queryString(sql);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
