package io.hal9.migrate.engine.internal.command;

import static io.hal9.migrate.engine.internal.command.PartitionFixture.assertDoubledOnce;
import static io.hal9.migrate.engine.internal.command.PartitionFixture.partitions;
import static io.hal9.migrate.engine.internal.command.PartitionFixture.sqlStep;
import static io.hal9.migrate.engine.internal.command.PartitionFixture.stateStep;
import static io.hal9.migrate.engine.internal.command.PartitionFixture.table;
import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.engine.internal.command.PartitionFixture.Part;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollback of a partitioned neuron-state step, split over its snapshots into undo partitions, killed with -9 by
 * a real CLI process partway and run again: it resumes each undo partition from its cursor (the killed one's at once,
 * its owner being gone), every row ends exactly as before the step, and no partition is left.
 */
class PartitionedRollbackCrashTest {
  private static final int ROWS = 1200;
  private static final String STEP = "state-v2";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @OnBothDatabases
  void killedMidRollbackResumesEachPartitionAndRestoresEveryRow(TestDatabase db) throws Exception {
    try (db) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < ROWS; i++) {
        keys.add("'" + (i % 2 == 0 ? "acme" : "Zeta") + "', " + (i * 7919L % 100_003));
      }
      Plans plans = Plans.in(dir.resolve("plans")).file("V1__neurons.yaml", "steps:\n" + sqlStep("create-neurons",
          table(db, "neurons", "tenant VARCHAR(20), id BIGINT", "tenant, id", keys)));
      String step = "steps:\n" + stateStep(STEP, "neurons", "[tenant, id]", 10, 4) + "    snapshot: true\n";
      plans.file("V2__state.yaml", step);
      Cli cli = new Cli(db, plans.path());
      Cli.Result setup = cli.run("run", "--target", "1");
      assertThat(setup.exit()).as(setup.toString()).isZero();
      String rows = "SELECT tenant, id, layer, state, state_version, orig FROM neurons ORDER BY tenant, id";
      List<String> original = db.queryRows(rows);
      Cli.Result apply = cli.run("run");
      assertThat(apply.exit()).as(apply.toString()).isZero();
      assertDoubledOnce(db, "neurons", ROWS);
      long records = db.queryLong("SELECT count(*) FROM hal9_snapshots WHERE step_id = '" + STEP + "'");

      // Paced (a tuning key, outside the checksum), so the kill lands while the rollback is in its second partition.
      plans.file("V2__state.yaml", step + "    max-rows-per-second: 1000\n");
      CliProcess child = CliProcess.start(dir.resolve("work"), "rollback", "--to", "1", "--url", db.url(), "--plans",
          plans.path().toString());
      try {
        awaitSecondUndoPartition(db, child);
        child.kill9();
      } finally {
        child.kill9();
      }

      List<Part> killed = partitions(db, STEP);
      assertThat(killed).as("undo partitions at the kill:\n%s", child).hasSize(4).allMatch(p -> p.direction().equals("undo"));
      assertThat(killed.stream().mapToLong(Part::expected).sum()).as("split over every snapshot record").isEqualTo(records);
      assertThat(killed.stream().filter(p -> !p.state().equals("done"))).as("killed mid-rollback: %s", killed).isNotEmpty();
      assertThat(db.queryString("SELECT state FROM hal9_steps WHERE step_id = '" + STEP + "'")).isEqualTo("rolling_back");

      plans.file("V2__state.yaml", step);
      long started = System.nanoTime();
      Cli.Result resumed = cli.run("rollback", "--to", "1");
      assertThat(resumed.exit()).as(resumed.toString()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the dead owner's partition is claimed at once, no lease waited out")
          .isLessThan(Duration.ofSeconds(15));
      if (db.isPostgres()) {
        // H2 writes commits to its file in the background (WRITE_DELAY): a kill may undo the child's claim too.
        assertThat(db.queryRows("SELECT message FROM hal9_events WHERE step_id = '" + STEP + "' AND message LIKE '%taken over%'"))
            .singleElement().asString().startsWith("partition 2 of 4 taken over").contains("its process is gone");
      }
      assertThat(db.queryRows(rows)).isEqualTo(original);
      assertThat(db.queryLong("SELECT count(*) FROM hal9_partitions WHERE step_id = '" + STEP + "'")).isZero();
      assertThat(db.queryLong("SELECT count(*) FROM hal9_snapshots WHERE step_id = '" + STEP + "'")).isZero();
      assertThat(db.queryString("SELECT state FROM hal9_steps WHERE step_id = '" + STEP + "'")).isEqualTo("rolled_back");

      Cli.Result again = cli.run("run");
      assertThat(again.exit()).as(again.toString()).isZero();
      assertDoubledOnce(db, "neurons", ROWS);
    }
  }

  /**
   * Until undo partition 2 has committed rows. On H2 the database is read only once the child has claimed a partition:
   * the child must own the file (a connection of this JVM before it would make this JVM its server, and the kill then
   * hit nothing).
   */
  private static void awaitSecondUndoPartition(TestDatabase db, CliProcess child) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!child.stderr().contains("rolling back by") || db.queryLong("SELECT count(*) FROM hal9_partitions WHERE step_id = '"
        + STEP + "' AND direction = 'undo' AND partition_no = 2 AND rows_done > 0") == 0) {
      if (!child.isAlive()) {
        throw new AssertionError("the rollback ended before its second partition:\n" + child);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no second undo partition within " + TIMEOUT + ":\n" + child);
      }
      Thread.sleep(20);
    }
  }
}
