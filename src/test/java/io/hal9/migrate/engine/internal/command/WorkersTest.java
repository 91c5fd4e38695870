package io.hal9.migrate.engine.internal.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.Children;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.ExactJson;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: partitioned steps (a CPU-heavy neuron-state step on the Java path, then an embedding step) worked by the
 * runner beside worker processes. On PostgreSQL one of three workers is killed with -9 mid-partition and another
 * SIGSTOPped until its partition is taken over: resumed, it commits nothing more and exits 3, and the table ends
 * equal to a single runner's without partitions, each row transformed once. On H2, the runner and one worker.
 */
class WorkersTest {
  private static final String STATE = "state-v2";
  private static final String EMBED = "embed";
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = ExactJson.MAPPER;

  @Test
  void threeWorkersOneKilledOneStoppedEndAsASingleRunnerDoes(@TempDir Path dir) throws Exception {
    int count = 16_000;
    String stoppedRun;
    try (TestDatabase db = TestDatabase.postgres(); TestDatabase reference = TestDatabase.postgres()) {
      Path plans = plan(dir.resolve("plans"), count, 8);
      Cli cli = new Cli(db, plans);
      ok(cli.run("run", "--target", "2"));
      Map<Long, BigDecimal> biases = biases(db);
      long started = System.nanoTime();
      CliProcess runner;
      CliProcess stopped;
      int taken;
      try (Children children = new Children(db, plans, dir.resolve("work"))) {
        runner = children.start("run", "--lease", "3", "--progress-interval", "0");
        Children.await("the runner splits " + STATE, TIMEOUT, () -> partitions(db, STATE).size() == 8);
        List<CliProcess> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          workers.add(children.start("worker", "--lease", "3", "--idle-timeout", "120"));
        }

        Owned victim = awaitMidPartition(db, workers, runner, 0);
        victim.worker().kill9();
        workers.remove(victim.worker());
        Owned paused = awaitMidPartition(db, workers, runner, victim.partition().number());
        stopped = paused.worker();
        stopped.signal("STOP");
        Thread.sleep(200); // a COMMIT it sent just before lands before its partition is read
        workers.remove(stopped);
        CliProcess survivor = workers.get(0);
        taken = paused.partition().number();
        Part before = partition(db, taken);
        assertThat(before.ownerPid()).as("stopped while it owns partition %d: %s", taken, before).isEqualTo(stopped.pid());
        stoppedRun = db.queryString("SELECT run_id FROM hal9_runs WHERE owner_pid = " + stopped.pid());

        // Mid-run, from another process than the runner's.
        assertStatusMidRun(cli.run("status"), cli.run("status", "--json"), before, stopped);

        Children.await("partition " + taken + " taken over from the stopped worker", TIMEOUT,
            () -> partition(db, taken).ownerPid() != stopped.pid());
        assertThat(takeovers(db, taken)).singleElement().asString().contains("(its lease ran out at ");
        long takenOverAt = db.queryLong("SELECT max(event_id) FROM hal9_events");

        stopped.signal("CONT");
        assertThat(stopped.waitFor(TIMEOUT)).as(stopped.toString()).isEqualTo(3);
        assertThat(stopped.stderr()).as(stopped.toString())
            .contains("lost partition " + taken + " of step '" + STATE + "': this worker holds epoch " + before.epoch());
        assertThat(db.queryLong("SELECT count(*) FROM hal9_events WHERE run_id = '" + stoppedRun + "' AND event_id > "
            + takenOverAt)).as("events the stopped worker committed after the takeover").isZero();
        assertThat(db.queryString("SELECT state FROM hal9_runs WHERE run_id = '" + stoppedRun + "'")).isEqualTo("lock_lost");

        assertThat(runner.waitFor(TIMEOUT)).as(runner.toString()).isZero();
        assertThat(survivor.waitFor(TIMEOUT)).as(survivor.toString()).isZero();
        // A dead owner on this host need not be waited out.
        assertThat(takeovers(db, victim.partition().number())).singleElement().asString().contains("(its process is gone)");
        assertThat(db.queryString("SELECT state FROM hal9_runs WHERE owner_pid = " + victim.worker().pid()))
            .as("the killed worker's run, marked by the takeover").isEqualTo("abandoned");
      }
      double crashRun = (System.nanoTime() - started) / 1e9;

      for (String step : List.of(STATE, EMBED)) {
        List<Part> parts = partitions(db, step);
        assertThat(parts).as(step).hasSize(8).allSatisfy(p -> assertThat(p.state()).as(p.toString()).isEqualTo("done"));
        assertThat(parts.stream().mapToLong(Part::rowsDone).sum()).as(step).isEqualTo(count);
        parts.forEach(p -> assertThat(p.rowsDone()).as(p.toString()).isEqualTo(p.rowsExpected()));
      }
      Part resumed = partition(db, taken);
      assertThat(resumed.ownerPid()).isNotEqualTo(stopped.pid());
      assertThat(resumed.claims()).isGreaterThan(1);
      // Its rows were finished by the new owner alone: the stopped worker's run never marked it done.
      assertThat(db.queryRows("SELECT run_id FROM hal9_events WHERE event_type = 'partition_done' AND step_id = '" + STATE
          + "' AND message LIKE 'partition " + taken + " done:%'")).hasSize(1).doesNotContain(stoppedRun);
      assertEveryRowOnce(db, biases, count);
      assertThat(runner.stderr()).contains("verified " + count + " vectors of ngram-hash");

      // The same plan without partitions, by a single runner.
      long referenceStarted = System.nanoTime();
      Path single = plan(dir.resolve("single"), count, 1);
      ok(new Cli(reference, single).run("run"));
      assertThat(reference.queryLong("SELECT count(*) FROM hal9_partitions")).isZero();
      List<String> expected = neurons(reference);
      List<String> actual = neurons(db);
      assertThat(actual).hasSize(count);
      assertThat(expected).hasSize(count);
      List<Integer> differ = new ArrayList<>();
      for (int i = 0; i < count && differ.size() < 3; i++) {
        if (!actual.get(i).equals(expected.get(i))) {
          differ.add(i);
        }
      }
      assertThat(differ).as("rows differing from the single runner's, e.g. %s vs %s",
          differ.isEmpty() ? "" : actual.get(differ.get(0)), differ.isEmpty() ? "" : expected.get(differ.get(0))).isEmpty();
      System.out.printf("workers: crash run %.1f s, single runner %.1f s%n", crashRun,
          (System.nanoTime() - referenceStarted) / 1e9);
    }
  }

  @Test
  void onH2TheRunnerAndOneWorkerShareTheSteps(@TempDir Path dir) throws Exception {
    int count = 4_000;
    try (TestDatabase db = TestDatabase.h2()) {
      db.serve(); // before its url: every process, this one's polls included, reaches it through H2's TCP server
      Path plans = plan(dir.resolve("plans"), count, 4);
      ok(new Cli(db, plans).run("run", "--target", "2"));
      Map<Long, BigDecimal> biases = biases(db);
      try (Children children = new Children(db, plans, dir.resolve("work"))) {
        // The worker first, waiting for the split: alone at it, a fast runner could take every partition.
        CliProcess worker = children.start("worker", "--idle-timeout", "120");
        Children.await("the worker enlisted", TIMEOUT,
            () -> Children.count(db, "SELECT count(*) FROM hal9_runs WHERE owner_pid = " + worker.pid()) == 1);
        CliProcess runner = children.start("run", "--progress-interval", "0");
        assertThat(runner.waitFor(TIMEOUT)).as(runner.toString()).isZero();
        assertThat(worker.waitFor(TIMEOUT)).as(worker.toString()).isZero();
        assertThat(runner.stderr()).contains("verified " + count + " vectors of ngram-hash");
        List<Part> parts = partitions(db, STATE);
        assertThat(parts).hasSize(4).allSatisfy(p -> assertThat(p.state()).isEqualTo("done"));
        assertThat(parts.stream().map(Part::ownerPid).distinct()).as("owners of %s", parts)
            .containsExactlyInAnyOrder(runner.pid(), worker.pid());
        assertThat(partitions(db, EMBED)).hasSize(4).allSatisfy(p -> assertThat(p.state()).isEqualTo("done"));
      }
      assertEveryRowOnce(db, biases, count);
      for (String row : neurons(db)) {
        String[] columns = row.split("\\|", 4);
        JsonNode state = JSON.readTree(columns[3]);
        assertThat(state.path("digest").asText()).as(row)
            .isEqualTo(BurningTransform.digest(columns[0], state.path("bias").asText()));
      }
    }
  }

  /**
   * V1 the reference schema, V2 {@code count} seeded neurons, V3 a neuron-state step (bias halved by an op, then the
   * {@link BurningTransform}), V4 an ngram-hash embedding step; both with {@code partitions} when more than one.
   */
  private static Path plan(Path dir, int count, int partitions) {
    String split = partitions > 1 ? "    partitions: " + partitions + "\n" : "";
    return Plans.in(dir).withReferenceSchema().seed("2", "seed", count, 5000)
        .file("V3__state.yaml", "steps:\n  - id: " + STATE + "\n    type: neuron-state\n    from-version: 1\n"
            + "    to-version: 2\n    batch-size: 250\n    snapshot: true\n    ops:\n"
            + "      - multiply: {field: bias, by: 0.5}\n"
            + "    transform: " + BurningTransform.class.getName() + "\n" + split)
        .file("V4__embed.yaml", "steps:\n  - id: " + EMBED + "\n    type: embedding\n    model: ngram-hash\n"
            + "    dimensions: 64\n    batch-size: 500\n" + split)
        .path();
  }

  /**
   * Every row migrated once: its bias exactly half the seeded one (a row transformed twice would hold a quarter), one
   * snapshot each, the counters and rows_done equal to the rows, one vector per row.
   */
  private static void assertEveryRowOnce(TestDatabase db, Map<Long, BigDecimal> seeded, int count) throws Exception {
    Map<Long, BigDecimal> halved = biases(db);
    assertThat(halved).hasSize(count);
    for (Map.Entry<Long, BigDecimal> row : seeded.entrySet()) {
      assertThat(halved.get(row.getKey())).as("bias of neuron %d", row.getKey())
          .isEqualByComparingTo(row.getValue().multiply(new BigDecimal("0.5")));
    }
    assertThat(db.queryLong("SELECT count(*) FROM neurons WHERE state_version = 2")).isEqualTo(count);
    assertThat(db.snapshottedKeys(STATE)).hasSize(count).doesNotHaveDuplicates();
    assertThat(db.queryRows("SELECT step_id, state, rows_done FROM hal9_steps WHERE step_id IN ('" + STATE + "', '" + EMBED
        + "') ORDER BY step_id")).containsExactly(EMBED + "|done|" + count, STATE + "|done|" + count);
    JsonNode counters = JSON.readTree(db.queryString("SELECT counters FROM hal9_steps WHERE step_id = '" + STATE + "'"));
    assertThat(counters.path("migrated").asLong()).as(counters.toString()).isEqualTo(count);
    assertThat(counters.path("skipped").asLong()).as(counters.toString()).isZero();
    assertThat(db.queryLong("SELECT count(DISTINCT neuron_id) FROM neuron_embeddings WHERE model = 'ngram-hash'"))
        .isEqualTo(db.queryLong("SELECT count(*) FROM neuron_embeddings")).isEqualTo(count);
  }

  /**
   * What {@code status} shows of the state step while {@code stopped} holds partition {@code held} (its rows frozen
   * there): the partitions by state, and the stopped worker as the partition's owner.
   */
  private static void assertStatusMidRun(Cli.Result text, Cli.Result json, Part held, CliProcess stopped) {
    assertThat(text.exit()).as(text.toString()).isZero();
    String rows = String.format(Locale.ROOT, "%,d/%,d rows", held.rowsDone(), held.rowsExpected());
    assertThat(text.out()).contains("8 partitions (")
        .containsPattern("(?m)^\\s+#" + held.number() + "\\s+running\\s+" + rows + "\\s+by \\S+ pid " + stopped.pid() + ", lease");
    assertThat(json.exit()).as(json.toString()).isZero();
    JsonNode step = json.json().at("/versions/2/steps/0");
    assertThat(step.path("id").asText()).isEqualTo(STATE);
    assertThat(step.path("state").asText()).isEqualTo("running");
    assertThat(step.path("partitions")).hasSize(8);
    JsonNode partition = step.path("partitions").get(held.number() - 1);
    assertThat(partition.path("number").asInt()).isEqualTo(held.number());
    assertThat(partition.path("state").asText()).isEqualTo("running");
    assertThat(partition.path("rows").asLong()).isEqualTo(held.rowsDone());
    assertThat(partition.path("expected").asLong()).isEqualTo(held.rowsExpected());
    assertThat(partition.path("owner").asText()).endsWith(" pid " + stopped.pid());
    assertThat(partition.path("claims").asInt()).isEqualTo(held.claims());
  }

  /**
   * Polls until one of {@code workers} owns a partition of the state step other than {@code besides} with some but at
   * most half its rows done.
   */
  private static Owned awaitMidPartition(TestDatabase db, List<CliProcess> workers, CliProcess runner, int besides)
      throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      for (Part p : partitions(db, STATE)) {
        for (CliProcess worker : workers) {
          if (p.number() != besides && p.ownerPid() == worker.pid() && p.state().equals("running") && p.rowsDone() > 0
              && p.rowsDone() <= p.rowsExpected() / 2) {
            return new Owned(worker, p);
          }
        }
      }
      assertThat(runner.isAlive()).as("the runner ended before the workers were struck: %s", runner).isTrue();
      assertThat(System.nanoTime()).as("no worker mid-partition within %s: %s", TIMEOUT, partitions(db, STATE))
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private record Owned(CliProcess worker, Part partition) {}

  private record Part(int number, String state, long rowsDone, long rowsExpected, long ownerPid, long epoch, int claims) {}

  private static List<Part> partitions(TestDatabase db, String step) {
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT partition_no, state, rows_done, rows_expected, owner_pid, epoch, claims"
            + " FROM hal9_partitions WHERE step_id = '" + step + "' ORDER BY partition_no")) {
      List<Part> parts = new ArrayList<>();
      while (r.next()) {
        parts.add(new Part(r.getInt(1), r.getString(2), r.getLong(3), r.getLong(4), r.getLong(5), r.getLong(6), r.getInt(7)));
      }
      return parts;
    } catch (SQLException e) {
      // Before the runner created the engine tables.
      return List.of();
    }
  }

  /** The messages of the takeovers of partition {@code number} of the state step. */
  private static List<String> takeovers(TestDatabase db, int number) throws SQLException {
    return db.queryRows("SELECT message FROM hal9_events WHERE event_type = 'partition_taken_over' AND step_id = '" + STATE
        + "' AND message LIKE 'partition " + number + " of 8 taken over by %'");
  }

  /** Partition {@code number} (from 1) of the state step. */
  private static Part partition(TestDatabase db, int number) {
    return partitions(db, STATE).stream().filter(p -> p.number() == number).findFirst().orElseThrow();
  }

  /** Each neuron's bias, exactly. */
  private static Map<Long, BigDecimal> biases(TestDatabase db) throws Exception {
    Map<Long, BigDecimal> biases = new LinkedHashMap<>();
    for (String row : neurons(db)) {
      String[] columns = row.split("\\|", 4);
      biases.put(Long.parseLong(columns[0]), JSON.readTree(columns[3]).get("bias").decimalValue());
    }
    return biases;
  }

  /**
   * Every neuron as id|layer|state_version|state, by id; on PostgreSQL the state as jsonb prints it (keys ordered, each
   * number as stored), so equal rows print equal.
   */
  private static List<String> neurons(TestDatabase db) throws SQLException {
    String state = db.isPostgres() ? "CAST(state AS text)" : "state";
    return db.queryRows("SELECT id, layer, state_version, " + state + " FROM neurons ORDER BY id");
  }

  private static void ok(Cli.Result result) {
    assertThat(result.exit()).as(result.toString()).isZero();
  }
}
