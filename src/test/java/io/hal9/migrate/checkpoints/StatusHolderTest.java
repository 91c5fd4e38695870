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
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner killed with -9 leaves its lock held with 30 s of lease left. {@code status} says the holder's process is
 * gone (text and {@code lock.deadBecause}), and the next run takes the lock over at once, not when the lease runs
 * out, and completes the step.
 */
class StatusHolderTest {
  private static final long COUNT = 50_000;

  @OnBothDatabases
  void aKilledRunnersLockShowsItsProcessGoneAndIsTakenOverAtOnce(TestDatabase db, @TempDir Path dir) throws Exception {
    Path plans = Children.seedPlan(dir, COUNT, 1000);
    try (Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess a = children.start("run", "--progress-interval", "0");
      a.awaitRows(5_000, RUN_TIMEOUT);
      a.kill9();
      // On H2 the test connects only now (see KillAndResumeTest): the killed runner served the file.
      String host = db.queryString("SELECT owner_host FROM hal9_lock");
      String leaseUntil = db.queryString("SELECT lease_until FROM hal9_lock");
      assertThat(db.queryLong("SELECT owner_pid FROM hal9_lock")).isEqualTo(a.pid());

      Cli cli = new Cli(db, plans);
      Cli.Result text = cli.run("status");
      assertThat(text.exit()).as(text.toString()).isZero();
      assertThat(text.out()).contains("Lock: held by " + host + " pid " + a.pid() + " since ",
          "; process gone: the next run takes it over)");
      JsonNode lock = cli.run("status", "--json").json().get("lock");
      assertThat(lock.get("pid").asLong()).isEqualTo(a.pid());
      assertThat(lock.get("deadBecause").asText()).isEqualTo("process gone");
      assertThat(lock.get("heartbeat").isNull()).isFalse();

      long rowsDone = Children.rowsDone(db);
      CliProcess b = children.start("run", "--progress-interval", "0");
      assertThat(b.waitFor(RUN_TIMEOUT)).as(b.toString()).isZero();
      assertThat(b.stderr()).contains("resumed after " + rowsDone + " rows");
      assertThat(db.queryLong("SELECT count(*) FROM hal9_runs WHERE owner_pid = " + b.pid()
          + " AND started_at < TIMESTAMP '" + leaseUntil + "'")).as("B took over before A's lease ran out").isEqualTo(1);
      assertThat(Children.runState(db, a)).isEqualTo("abandoned");
      assertThat(Children.runState(db, b)).isEqualTo("done");
    }
    assertThat(Children.neurons(db)).isEqualTo(COUNT);
    assertThat(db.queryLong("SELECT count(DISTINCT id) FROM neurons")).isEqualTo(COUNT);
  }
}
