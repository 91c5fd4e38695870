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
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real CLI processes on one fresh database: one runs, the other is refused with exit 3 naming the runner,
 * or waits for it with --wait-lock. The engine's own tables are created by whichever comes first, without
 * tripping the other.
 */
class ConcurrentRunTest {
  /** Long enough (a few seconds) for the second of two runs started together to meet the first's lock. */
  private static final long COUNT = 50_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @OnBothDatabases
  void twoRunsStartedTogetherOneRunsTheOtherIsRefused(TestDatabase db, @TempDir Path dir) throws Exception {
    Path plans = Children.seedPlan(dir, COUNT, 1000);
    CliProcess winner;
    CliProcess loser;
    try (Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess first = children.start("run");
      CliProcess second = children.start("run");
      int firstExit = first.waitFor(RUN_TIMEOUT);
      int secondExit = second.waitFor(RUN_TIMEOUT);
      assertThat(new int[] {firstExit, secondExit}).as("exits\n%s\n%s", first, second).containsExactlyInAnyOrder(0, 3);
      winner = firstExit == 0 ? first : second;
      loser = firstExit == 0 ? second : first;
    }
    String host = db.queryString("SELECT owner_host FROM hal9_runs WHERE owner_pid = " + winner.pid());
    assertThat(loser.stderr()).contains("locked").contains(" on " + host + " (pid " + winner.pid() + ")");
    assertThat(winner.stdout()).contains("Applied version(s) 1, 2");
    assertCompleteOnce(db, COUNT);
  }

  @OnBothDatabases
  void withJsonTheRefusedRunReportsLocked(TestDatabase db, @TempDir Path dir) throws Exception {
    Path plans = Children.seedPlan(dir, COUNT, 1000);
    try (Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess first = children.start("run", "--json");
      CliProcess second = children.start("run", "--json");
      int firstExit = first.waitFor(RUN_TIMEOUT);
      int secondExit = second.waitFor(RUN_TIMEOUT);
      assertThat(new int[] {firstExit, secondExit}).as("exits\n%s\n%s", first, second).containsExactlyInAnyOrder(0, 3);
      CliProcess winner = firstExit == 0 ? first : second;
      CliProcess loser = firstExit == 0 ? second : first;

      JsonNode refused = JSON.readTree(loser.stdout());
      assertThat(refused.get("ok").asBoolean()).isFalse();
      assertThat(refused.get("command").asText()).isEqualTo("run");
      assertThat(refused.at("/error/code").asText()).isEqualTo("LOCKED");
      assertThat(refused.at("/error/exitCode").asInt()).isEqualTo(3);
      assertThat(refused.at("/error/details").toString()).contains("pid=" + winner.pid());
      JsonNode ran = JSON.readTree(winner.stdout());
      assertThat(ran.get("ok").asBoolean()).isTrue();
      assertThat(ran.get("versionsApplied").toString()).isEqualTo("[\"1\",\"2\"]");
    }
    assertCompleteOnce(db, COUNT);
  }

  @OnBothDatabases
  void withWaitLockTheSecondRunWaitsAndFindsNothingToDo(TestDatabase db, @TempDir Path dir) throws Exception {
    // Longer: the second run starts only once the first seeds, and must still find it running.
    Path plans = Children.seedPlan(dir, 2 * COUNT, 1000);
    try (Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess first = children.start("run", "--progress-interval", "0");
      first.awaitRows(1000, RUN_TIMEOUT); // it holds the lock now
      CliProcess second = children.start("run", "--wait-lock", "120");
      assertThat(first.waitFor(RUN_TIMEOUT)).as(first.toString()).isZero();
      assertThat(second.waitFor(RUN_TIMEOUT)).as(second.toString()).isZero();
      assertThat(second.stdout()).contains("Up to date: nothing to run.");
      // It waited: its run began only after the first one had finished seeding.
      assertThat(db.queryLong("SELECT count(*) FROM hal9_runs r, hal9_steps s WHERE r.owner_pid = " + second.pid()
          + " AND s.step_id = 'seed' AND r.started_at >= s.finished_at")).isEqualTo(1);
      assertThat(Children.runState(db, first)).isEqualTo("done");
      assertThat(Children.runState(db, second)).isEqualTo("done");
    }
    assertCompleteOnce(db, 2 * COUNT);
  }

  /** Every row once, the seed step run by one runner only. */
  private static void assertCompleteOnce(TestDatabase db, long count) throws Exception {
    assertThat(Children.neurons(db)).isEqualTo(count);
    assertThat(db.queryLong("SELECT count(DISTINCT id) FROM neurons")).isEqualTo(count);
    assertThat(db.queryRows("SELECT state, rows_done, attempts FROM hal9_steps WHERE step_id = 'seed'"))
        .containsExactly("done|" + count + "|1");
    assertThat(db.queryLong("SELECT count(*) FROM hal9_history WHERE action = 'apply'")).isEqualTo(2);
  }
}
