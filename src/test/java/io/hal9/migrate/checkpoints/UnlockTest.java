package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.support.Children.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.Children;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner hangs (SIGSTOP) while its 30 s lease is still valid: others are refused at once, until `unlock`
 * releases its lock by hand. Then a new run completes the work, and the hung runner, woken up, commits nothing.
 */
class UnlockTest {
  private static final long COUNT = 50_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @OnBothDatabases
  void unlockReleasesAHungRunnersLockAndFencesItOut(TestDatabase db, @TempDir Path dir) throws Exception {
    Path plans = Children.seedPlan(dir, COUNT, 1000);
    // H2: this JVM serves the file (see FencingTest), so the hung runner does not hold everyone's way in.
    try (Connection owner = db.isPostgres() ? null : db.connect();
        Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess a = children.start("run", "--json", "--progress-interval", "0");
      a.awaitRows(10_000, RUN_TIMEOUT);
      Thread.sleep(ThreadLocalRandom.current().nextInt(101)); // anywhere in a batch, mid-transaction included
      a.signal("STOP");
      long epoch = db.queryLong("SELECT epoch FROM hal9_lock");
      String host = db.queryString("SELECT owner_host FROM hal9_lock");

      long refusedAt = System.nanoTime();
      CliProcess refused = children.start("run");
      assertThat(refused.waitFor(RUN_TIMEOUT)).as(refused.toString()).isEqualTo(3);
      // Refused at once, not after the hung runner's lease (at least 20 s from now) ran out.
      assertThat(Duration.ofNanos(System.nanoTime() - refusedAt)).isLessThan(Duration.ofSeconds(15));
      assertThat(refused.stderr()).contains("locked").contains(" on " + host + " (pid " + a.pid() + ")");

      Cli.Result unlock = new Cli(db, plans).run("unlock");
      assertThat(unlock.exit()).as(unlock.toString()).isZero();
      assertThat(unlock.out()).contains("Released the lock held by " + host + " pid " + a.pid() + " since ");
      assertThat(db.queryRows("SELECT epoch, run_id FROM hal9_lock")).containsExactly((epoch + 1) + "|null");
      assertThat(Children.runState(db, a)).isEqualTo("unlocked");

      CliProcess next = children.start("run", "--progress-interval", "0");
      assertThat(next.waitFor(RUN_TIMEOUT)).as(next.toString()).isZero();
      assertThat(Children.neurons(db)).isEqualTo(COUNT);

      a.signal("CONT");
      assertThat(a.waitFor(RUN_TIMEOUT)).as(a.toString()).isEqualTo(3);
      JsonNode lost = JSON.readTree(a.stdout());
      assertThat(lost.at("/error/code").asText()).as(a.toString()).isEqualTo("LOCK_LOST");
      // The fenced runner says how it lost the lock: by hand, then to the next run; its run stays marked unlocked.
      assertThat(lost.at("/error/message").asText()).contains("holds epoch " + epoch,
          "the lock was released by hand, with 'unlock', then taken by " + host + " pid " + next.pid());
      assertThat(Children.runState(db, a)).isEqualTo("unlocked");
    }
    assertThat(Children.neurons(db)).isEqualTo(COUNT);
    assertThat(db.queryLong("SELECT count(DISTINCT id) FROM neurons")).isEqualTo(COUNT);
    assertThat(db.queryRows("SELECT state, rows_done FROM hal9_steps WHERE step_id = 'seed'"))
        .containsExactly("done|" + COUNT);
  }
}
