package io.hal9.migrate.engine.internal.steps.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.ExactJson;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's neuron-state upgrade (its V4 ops, multiply included) of 36,000 rows, run by a CLI child process
 * killed with -9 at 6 random moments (one in each sixth of the rows) and run again after each: it ends equal, row for row and digit for digit,
 * to an uninterrupted run on a second database, each row transformed once. Rollbacks restore the rows exactly:
 * after the uninterrupted run, after the crashed one (the rollback itself killed once and resumed, while
 * {@code run} refuses), and after a run killed mid-step and never resumed.
 */
class NeuronStateCrashTest {
  private static final int COUNT = 36_000;
  private static final int KILLS = 6;
  /** Kill thresholds stay below the end, so every killed child is still running when it is reached. */
  private static final int SPAN = 34_000;
  private static final String STEP = "state-v2";
  private static final Duration TIMEOUT = Duration.ofSeconds(240);
  private static final ObjectMapper JSON = ExactJson.MAPPER;

  @TempDir Path dir;
  private final List<CliProcess> children = new ArrayList<>();

  @AfterEach
  void killChildren() throws InterruptedException {
    for (CliProcess child : children) {
      child.kill9();
    }
  }

  @OnBothDatabases
  void killedSixTimesEndsEqualToAnUninterruptedRunAndRollsBackExactly(TestDatabase db) throws Exception {
    long seed = new Random().nextLong();
    System.out.printf("%s: kill seed %d%n", db.name(), seed);
    Random random = new Random(seed);
    Path plans = plan();
    long started = System.nanoTime();

    // The uninterrupted run, on a database of its own, goes on beside the crashes (another thread).
    ExecutorService side = Executors.newSingleThreadExecutor();
    try (TestDatabase reference = db.isPostgres() ? TestDatabase.postgres() : TestDatabase.h2();
        AutoCloseable stopSide = side::shutdownNow) {
      Cli uninterrupted = new Cli(reference, plans);
      Future<Reference> referenceRun = side.submit(() -> {
        ok(uninterrupted.run("run", "--target", "2"));
        List<String> original = rows(reference);
        ok(uninterrupted.run("run"));
        return new Reference(original, rows(reference));
      });

      // The same plan, killed again and again.
      Cli cli = new Cli(db, plans);
      ok(cli.run("run", "--target", "2"));
      long crashStarted = System.nanoTime();
      int killsInStep = 0;
      for (int k = 0; k < KILLS; k++) {
        long threshold = (long) k * SPAN / KILLS + 1 + random.nextInt(SPAN / KILLS);
        int delay = random.nextInt(101);
        CliProcess child = start(db, "run", "--progress-interval", "0");
        child.awaitRows(threshold, TIMEOUT);
        Thread.sleep(delay); // so that some kills land mid-transaction
        child.kill9();
        afterKill(db, true);
        String log = child.stderr();
        boolean inStep = log.contains("step " + STEP + " (neuron-state) of version 3 ")
            && !log.contains("step " + STEP + " done");
        killsInStep += inStep ? 1 : 0;

        // Every batch committed its snapshots and checkpoint with it: migrated rows, snapshots and rows_done agree.
        Progress p = progress(db);
        String at = "after kill " + (k + 1) + " at " + threshold + " rows + " + delay + " ms";
        assertThat(p.migrated()).as("migrated rows %s (%s)", at, p).isEqualTo(p.snapshots()).isEqualTo(p.rowsDone());
        if (db.isPostgres()) {
          // A batch reported committed survives. H2 writes its file after the commit (even at WRITE_DELAY=0 the
          // chunk write may trail it), so a kill may undo the last commit, batch and checkpoint alike.
          assertThat(p.rowsDone()).as("rows_done %s:\n%s", at, child).isGreaterThanOrEqualTo(child.reportedRows());
        }
        if (inStep) {
          assertThat(p.state()).as("step state %s", at).isEqualTo("running");
        }
      }
      CliProcess last = start(db, "run", "--progress-interval", "0");
      assertThat(last.waitFor(TIMEOUT)).as(last.toString()).isZero();
      Duration crashTime = Duration.ofNanos(System.nanoTime() - crashStarted);

      Reference expected = referenceRun.get();
      assertThat(expected.original()).hasSize(COUNT);
      // The reference itself did the work: bias halved exactly (checked on every 1000th row).
      for (int i = 0; i < COUNT; i += 1000) {
        JsonNode before = JSON.readTree(state(expected.original().get(i)));
        JsonNode after = JSON.readTree(state(expected.migrated().get(i)));
        assertThat(after.get("bias").decimalValue()).as(expected.migrated().get(i))
            .isEqualByComparingTo(before.get("bias").decimalValue().multiply(new BigDecimal("0.5")));
      }
      assertSameRows(rows(db), expected.migrated(), "the table after " + KILLS + " kills vs the uninterrupted run");
      assertThat(db.queryRows("SELECT state, rows_done FROM hal9_steps WHERE step_id = '" + STEP + "'"))
          .containsExactly("done|" + COUNT);
      JsonNode counters =
          JSON.readTree(db.queryString("SELECT counters FROM hal9_steps WHERE step_id = '" + STEP + "'"));
      assertThat(counters.path("migrated").asLong()).as(counters.toString()).isEqualTo(COUNT);
      assertThat(counters.path("skipped").asLong()).as(counters.toString()).isZero();
      assertThat(counters.path("rejected").asLong()).as(counters.toString()).isZero();
      // One snapshot per row: no row was transformed twice (a second one would have failed on the key).
      assertThat(snapshots(db)).isEqualTo(COUNT);
      assertThat(db.snapshottedKeys(STEP).stream().distinct().count()).isEqualTo(COUNT);
      System.out.printf("%s: %d kills, %d inside the neuron-state step; crash runs %.1f s%n", db.name(), KILLS,
          killsInStep, crashTime.toMillis() / 1000.0);

      // Rolled back after the uninterrupted run (beside), and after the crashed one by a rollback that is itself
      // killed once and resumed: both give back the rows as V2 left them.
      Future<?> referenceRollback = side.submit(() -> {
        ok(uninterrupted.run("rollback", "--to", "2"));
        assertSameRows(rows(reference), expected.original(), "the uninterrupted run rolled back vs the rows before V3");
        assertThat(snapshots(reference)).isZero();
        assertThat(stepState(reference)).isEqualTo("rolled_back");
        return null;
      });
      rollBackThroughAKill(db, cli, random, expected.original(), "the crashed run");
      referenceRollback.get();
    }
    System.out.printf("%s: crash test wall time %.1f s%n", db.name(), (System.nanoTime() - started) / 1e9);
  }

  @OnBothDatabases
  void rollbackAfterACrashedRunRestoresTheOriginalRows(TestDatabase db) throws Exception {
    Random random = new Random();
    Path plans = plan();
    long started = System.nanoTime();
    Cli cli = new Cli(db, plans);
    ok(cli.run("run", "--target", "2"));
    List<String> original = rows(db);
    assertThat(original).hasSize(COUNT);

    // A run killed mid-step, then rolled back without being resumed.
    CliProcess run = start(db, "run", "--progress-interval", "0");
    run.awaitRows(COUNT / 3 + random.nextInt(COUNT / 3), TIMEOUT);
    Thread.sleep(random.nextInt(101));
    run.kill9();
    afterKill(db, false);
    Progress crashed = progress(db);
    assertThat(crashed.state()).isEqualTo("running");
    assertThat(crashed.rowsDone()).isPositive().isLessThan(COUNT);
    if (db.isPostgres()) {
      assertThat(crashed.rowsDone()).isGreaterThanOrEqualTo(run.reportedRows());
    }
    assertThat(crashed.migrated()).as(crashed.toString()).isEqualTo(crashed.snapshots()).isEqualTo(crashed.rowsDone());

    ok(cli.run("rollback", "--to", "2"));
    assertSameRows(rows(db), original, "a crashed run rolled back vs the rows before V3");
    assertThat(snapshots(db)).isZero();
    assertThat(stepState(db)).isEqualTo("rolled_back");
    System.out.printf("%s: crashed run rolled back after %d rows; wall time %.1f s%n", db.name(), crashed.rowsDone(),
        (System.nanoTime() - started) / 1e9);
  }

  /**
   * Rolls a fully migrated table back to V2 with a child process killed mid-way; then {@code run} refuses (exit
   * 4) and a second rollback finishes the job: the rows equal {@code original}.
   */
  private void rollBackThroughAKill(TestDatabase db, Cli cli, Random random, List<String> original, String what)
      throws Exception {
    long killAt = COUNT / 10 + random.nextInt(COUNT * 7 / 10);
    // H2: this JVM serves the file (auto-server) while the rollback runs, so it can watch the snapshots go
    // without racing the child for the file; the kill then cuts the child's session mid-batch.
    try (Connection owner = db.isPostgres() ? null : db.connect()) {
      CliProcess rollback = start(db, "rollback", "--to", "2");
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (snapshots(db) > killAt) {
        assertThat(ProcessHandle.of(rollback.pid()).map(ProcessHandle::isAlive).orElse(false))
            .as("rollback ended before %d snapshots were left: %s", killAt, rollback).isTrue();
        assertThat(System.nanoTime()).as("rollback too slow").isLessThan(deadline);
        Thread.sleep(20);
      }
      Thread.sleep(random.nextInt(101));
      rollback.kill9();
    }
    afterKill(db, false);
    long left = snapshots(db);
    assertThat(left).isPositive().isLessThan(COUNT);
    assertThat(stepState(db)).isEqualTo("rolling_back");
    // Every row is either restored or still has its snapshot.
    assertThat(db.queryLong("SELECT count(*) FROM neurons WHERE state_version = 1")).isEqualTo(COUNT - left);

    Cli.Result refused = cli.run("run", "--json");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(4);
    assertThat(refused.json().at("/error/code").asText()).isEqualTo("ROLLBACK_INCOMPLETE");
    assertThat(snapshots(db)).as("a refused run changes nothing").isEqualTo(left);

    ok(cli.run("rollback", "--to", "2"));
    assertSameRows(rows(db), original, what + " rolled back (killed once, resumed) vs the rows before V3");
    assertThat(snapshots(db)).isZero();
    assertThat(stepState(db)).isEqualTo("rolled_back");
    System.out.printf("%s: rollback killed with %d snapshots left, then resumed%n", db.name(), left);
  }

  /** V1 the reference schema, V2 36,000 seeded neurons, V3 the demo's neuron-state upgrade (its V4). */
  private Path plan() throws IOException {
    Path demoStep = Plans.DEMO.resolve("V4__neuron_state_v2.yaml");
    assertThat(Files.readString(demoStep))
        .contains("snapshot: true", "batch-size: 1000", "multiply:  {field: bias, by: 0.5}");
    return Plans.in(dir.resolve("plans")).withReferenceSchema().seed("2", "seed", COUNT, 1000)
        .copy(demoStep, "V3__neuron_state_v2.yaml").path();
  }

  /** {@code hal9-migrate ARGS --url DB --plans DIR} as a child JVM, killed after the test if still alive. */
  private CliProcess start(TestDatabase db, String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(List.of("--url", db.url(), "--plans", dir.resolve("plans").toString()));
    CliProcess child = CliProcess.start(dir.resolve("work"), line.toArray(String[]::new));
    children.add(child);
    return child;
  }

  /**
   * Once a child is killed. PostgreSQL: waits until its sessions have ended; one busy in a statement or a
   * COMMIT when its client died runs on until it next talks to it, so reads made before could straddle that
   * commit. H2 (when {@code dropLock}): the dead child's lock file is stale; removed, it spares the next opener
   * H2's wait of some 3 s for a stale lock.
   */
  private static void afterKill(TestDatabase db, boolean dropLock) throws Exception {
    if (!db.isPostgres()) {
      if (dropLock) {
        Files.deleteIfExists(Path.of(db.url().substring("jdbc:h2:file:".length()) + ".lock.db"));
      }
      return;
    }
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    String others = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
    while (db.queryLong(others) > 0) {
      assertThat(System.nanoTime()).as("sessions of a killed child still open").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static String stepState(TestDatabase db) throws SQLException {
    return db.queryString("SELECT state FROM hal9_steps WHERE step_id = '" + STEP + "'");
  }

  private static void ok(Cli.Result result) {
    assertThat(result.exit()).as(result.toString()).isZero();
  }

  /** The uninterrupted run's table before and after V3. */
  private record Reference(List<String> original, List<String> migrated) {}

  /** What a kill left: rows at version 2, the step's snapshots, its checkpoint. */
  private record Progress(long migrated, long snapshots, long rowsDone, String state) {}

  private static Progress progress(TestDatabase db) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      c.setAutoCommit(false); // one snapshot for the three reads
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      long migrated = single(s, "SELECT count(*) FROM neurons WHERE state_version = 2");
      long snapshots = single(s, "SELECT count(*) FROM (" + TestDatabase.snapshottedKeysQuery(STEP, db.isPostgres()) + ") k");
      try (ResultSet r = s.executeQuery("SELECT rows_done, state FROM hal9_steps WHERE step_id = '" + STEP + "'")) {
        return r.next() ? new Progress(migrated, snapshots, r.getLong(1), r.getString(2))
            : new Progress(migrated, snapshots, 0, null);
      }
    }
  }

  private static long single(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static long snapshots(TestDatabase db) throws SQLException {
    return db.snapshottedRows(STEP);
  }

  /** Every neuron as id|layer|kind|state|state_version|updated_at, the state in canonical JSON. */
  private static List<String> rows(TestDatabase db) throws SQLException {
    List<String> rows = new ArrayList<>(COUNT);
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT id, layer, kind, state, state_version, updated_at FROM neurons ORDER BY id")) {
      while (r.next()) {
        rows.add(r.getLong(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + canonical(r.getString(4)) + "|"
            + r.getInt(5) + "|" + r.getString(6));
      }
    }
    return rows;
  }

  /** The state of a row of {@link #rows}. */
  private static String state(String row) {
    int start = row.indexOf('|', row.indexOf('|', row.indexOf('|') + 1) + 1) + 1;
    return row.substring(start, row.lastIndexOf('|', row.lastIndexOf('|') - 1));
  }

  /** Keys sorted, spacing dropped, numbers as their exact decimal (0.0319 and 0.03190 differ), strings quoted. */
  private static String canonical(String json) {
    try {
      StringBuilder out = new StringBuilder(json.length());
      write(JSON.readTree(json), out);
      return out.toString();
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static void write(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      TreeSet<String> names = new TreeSet<>();
      node.fieldNames().forEachRemaining(names::add);
      out.append('{');
      for (Iterator<String> i = names.iterator(); i.hasNext(); ) {
        String name = i.next();
        out.append(TextNode.valueOf(name)).append(':');
        write(node.get(name), out);
        out.append(i.hasNext() ? "," : "");
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        out.append(i > 0 ? "," : "");
        write(node.get(i), out);
      }
      out.append(']');
    } else if (node.isNumber()) {
      out.append(node.decimalValue());
    } else {
      out.append(node); // strings quoted and escaped, true, false, null
    }
  }

  /** Equal lists, with the first differences shown rather than every row. */
  private static void assertSameRows(List<String> actual, List<String> expected, String what) {
    StringBuilder differences = new StringBuilder();
    int count = 0;
    for (int i = 0; i < Math.max(actual.size(), expected.size()); i++) {
      String a = i < actual.size() ? actual.get(i) : "(none)";
      String e = i < expected.size() ? expected.get(i) : "(none)";
      if (!a.equals(e)) {
        if (++count <= 3) {
          differences.append("\n  row ").append(i + 1).append(":\n    expected ").append(e)
              .append("\n    actual   ").append(a);
        }
      }
    }
    assertThat(count).as("%s: %d rows vs %d expected, %d differ:%s", what, actual.size(), expected.size(), count,
        differences).isZero();
  }
}
