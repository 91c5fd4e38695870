package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.support.Children.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.Children;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner stalled past its lease (SIGSTOP) is taken over by another, which completes the step. When the
 * stalled one wakes up, the epoch check at the end of its batch transaction fails: the batch rolls back and it
 * exits 3 (LOCK_LOST), leaving every row exactly once.
 */
class FencingTest {
  private static final long COUNT = 50_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @OnBothDatabases
  void aRunnerStalledPastItsLeaseIsTakenOverAndCanCommitNothing(TestDatabase db, @TempDir Path dir) throws Exception {
    Path plans = Children.seedPlan(dir, COUNT, 1000);
    // H2: whichever process opens the file first serves it to the others (AUTO_SERVER). Were that the stalled
    // runner, nobody could reach the database while it is stopped. So this JVM opens it first and keeps it
    // open: both runners are then clients of this JVM's server, as two runners on PostgreSQL are of theirs.
    try (Connection owner = db.isPostgres() ? null : db.connect();
        Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess a = children.start("run", "--json", "--lease", "2", "--progress-interval", "0");
      a.awaitRows(10_000, RUN_TIMEOUT);
      // Anywhere in a batch, mid-transaction included: then A sits on locks B needs (its uncommitted keys, the
      // checkpoint row, the lock row), and the takeover must end A's sessions for B to get on.
      Thread.sleep(ThreadLocalRandom.current().nextInt(101));
      a.signal("STOP");
      long epoch = db.queryLong("SELECT epoch FROM hal9_lock");
      Children.await("A's lease runs out", Duration.ofSeconds(30),
          () -> Children.count(db, "SELECT count(*) FROM hal9_lock WHERE lease_until < LOCALTIMESTAMP") == 1);
      long frozenAt = Children.rowsDone(db);

      CliProcess b = children.start("run", "--lease", "2", "--progress-interval", "0");
      assertThat(b.waitFor(RUN_TIMEOUT)).as(b.toString()).isZero();
      assertThat(b.stderr()).contains("resumed after " + frozenAt + " rows");
      assertThat(Children.runState(db, a)).isEqualTo("abandoned");
      assertThat(Children.runState(db, b)).isEqualTo("done");
      assertThat(db.queryLong("SELECT epoch FROM hal9_lock")).isEqualTo(epoch + 1);
      assertThat(Children.neurons(db)).isEqualTo(COUNT);

      a.signal("CONT");
      assertThat(a.waitFor(RUN_TIMEOUT)).as(a.toString()).isEqualTo(3);
      JsonNode lost = JSON.readTree(a.stdout());
      assertThat(lost.at("/error/code").asText()).as(a.toString()).isEqualTo("LOCK_LOST");
      // Who took over, and what of the step is committed: the checkpoint's rows stay, the batch in flight did not.
      assertThat(lost.at("/error/message").asText()).contains("holds epoch " + epoch, "another runner took over: ",
          "step 'seed' had committed ", "was not committed");
      assertThat(Children.runState(db, a)).isEqualTo("lock_lost");
    }
    assertThat(Children.neurons(db)).isEqualTo(COUNT);
    assertThat(db.queryLong("SELECT count(DISTINCT id) FROM neurons")).isEqualTo(COUNT);
    assertThat(db.queryRows("SELECT state, rows_done FROM hal9_steps WHERE step_id = 'seed'"))
        .containsExactly("done|" + COUNT);
    assertThat(db.queryRows("SELECT run_id FROM hal9_lock")).containsExactly("null");
  }
}
