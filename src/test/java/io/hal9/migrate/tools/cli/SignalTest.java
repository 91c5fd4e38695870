package io.hal9.migrate.tools.cli;

import static io.hal9.migrate.support.Children.RUN_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.Children;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM and SIGINT stop a seeding CLI at a batch boundary with its checkpoint saved; the rerun completes. */
class SignalTest {
  private static final long COUNT = 30_000;

  @OnBothDatabases
  void sigtermStopsAtABatchBoundaryWithExit143(TestDatabase db, @TempDir Path dir) throws Exception {
    stopsAndResumes(db, dir, "TERM", 143);
  }

  @OnBothDatabases
  void sigintStopsAtABatchBoundaryWithExit130(TestDatabase db, @TempDir Path dir) throws Exception {
    stopsAndResumes(db, dir, "INT", 130);
  }

  private static void stopsAndResumes(TestDatabase db, Path dir, String signal, int exit) throws Exception {
    Path plans = Children.seedPlan(dir, COUNT, 1000);
    try (Children children = new Children(db, plans, dir.resolve("work"))) {
      CliProcess child = children.start("run", "--progress-interval", "0");
      child.awaitRows(5_000, RUN_TIMEOUT);
      if (signal.equals("TERM")) {
        child.terminate();
      } else {
        child.signal(signal);
      }
      assertThat(child.waitFor(RUN_TIMEOUT)).as(child.toString()).isEqualTo(exit);
      assertThat(child.stderr())
          .contains("SIG" + signal + " received: stopping at the next batch boundary")
          .contains("hal9-migrate: error: stopped at a batch boundary; the checkpoint is saved");

      long rowsDone = Children.rowsDone(db);
      assertThat(rowsDone).isGreaterThanOrEqualTo(5_000).isLessThan(COUNT).isEqualTo(Children.neurons(db));
      // The last batch reported is the one the stop saved: nothing committed was given back.
      assertThat(rowsDone).isEqualTo(child.reportedRows());
      assertThat(Children.stepState(db)).isEqualTo("running");
      assertThat(Children.runState(db, child)).isEqualTo("stopped");
      assertThat(db.queryRows("SELECT run_id, owner_pid FROM hal9_lock")).as("lock released").containsExactly("null|null");

      CliProcess rerun = children.start("run", "--progress-interval", "0");
      assertThat(rerun.waitFor(RUN_TIMEOUT)).as(rerun.toString()).isZero();
      assertThat(rerun.stderr()).contains("resumed after " + rowsDone + " rows");
    }
    assertThat(db.queryLong("SELECT count(DISTINCT id) FROM neurons")).isEqualTo(COUNT);
    assertThat(Children.neurons(db)).isEqualTo(COUNT);
    assertThat(db.queryRows("SELECT state, rows_done, attempts FROM hal9_steps WHERE step_id = 'seed'"))
        .containsExactly("done|" + COUNT + "|2");
  }
}
