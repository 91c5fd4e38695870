package io.hal9.migrate.support;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The CLI child processes of one test, all on one database and plan directory. Closing kills whatever is still
 * alive (stopped ones included: SIGKILL ends a SIGSTOPped process), so no child outlives its test.
 */
public final class Children implements AutoCloseable {
  public static final String SEED = "seed";
  public static final Duration RUN_TIMEOUT = Duration.ofSeconds(180);

  private final TestDatabase db;
  private final Path plans;
  private final Path workDir;
  private final List<CliProcess> started = new ArrayList<>();

  public Children(TestDatabase db, Path plans, Path workDir) {
    this.db = db;
    this.plans = plans;
    this.workDir = workDir;
  }

  /** A plan directory: the reference schema (V1) and step {@value #SEED} seeding {@code count} neurons (V2). */
  public static Path seedPlan(Path dir, long count, int batchSize) {
    return Plans.in(dir.resolve("plans")).withReferenceSchema().seed("2", SEED, count, batchSize).path();
  }

  /** Starts {@code hal9-migrate ARGS --url DB --plans DIR} as a child JVM. */
  public CliProcess start(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(List.of("--url", db.url(), "--plans", plans.toString()));
    CliProcess child = CliProcess.start(workDir, line.toArray(String[]::new));
    started.add(child);
    return child;
  }

  @Override
  public void close() throws InterruptedException {
    for (CliProcess child : started) {
      child.kill9();
    }
  }

  // Queries. On H2 each opens and closes its own connection: call them only while no child runs, unless the
  // test JVM owns the database (see FencingTest).

  public static long neurons(TestDatabase db) throws SQLException {
    return db.queryLong("SELECT count(*) FROM neurons");
  }

  public static long rowsDone(TestDatabase db) throws SQLException {
    return db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = '" + SEED + "'");
  }

  public static String stepState(TestDatabase db) throws SQLException {
    return db.queryString("SELECT state FROM hal9_steps WHERE step_id = '" + SEED + "'");
  }

  /** The state hal9_runs recorded for the run of that process. */
  public static String runState(TestDatabase db, CliProcess child) throws SQLException {
    List<String> states = db.queryRows("SELECT state FROM hal9_runs WHERE owner_pid = " + child.pid());
    if (states.size() != 1) {
      throw new AssertionError("expected one run of pid " + child.pid() + " in hal9_runs, found " + states);
    }
    return states.get(0);
  }

  /** {@link TestDatabase#queryLong} for a lambda. */
  public static long count(TestDatabase db, String sql) {
    try {
      return db.queryLong(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Polls {@code condition} every 50 ms until it holds; fails after {@code timeout}. */
  public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what);
      }
      Thread.sleep(50);
    }
  }
}
