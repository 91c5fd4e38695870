package io.hal9.migrate.tools.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.hal9.migrate.engine.api.Hal9Migrate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench resume}: a neuron-state step run by the CLI as a child process, killed (-9) once it has committed a
 * given share of its rows and started again, for each share in turn on the same table; for each restart, the time
 * from the new process's start to its first committed batch, beside the time the CLI takes to start and exit at
 * all ({@code --version}). A resume that rereads what it already did grows with progress; one that seeks to its
 * cursor does not.
 */
public final class ResumeBench {
  private static final String STEP = "bench-resume";

  /** One kill: the share it aimed at, the rows committed when it struck, and the restart's first batch. */
  public record Kill(double share, long rowsCommitted, double secondsToFirstBatch) {}

  public record Result(String database, long rows, int batchSize, double jvmStartSeconds, List<Kill> kills) {}

  private final ScratchSchema scratch;
  private final ChildCli cli;
  private final long rows;
  private final int batchSize;
  private final List<Double> shares;

  public ResumeBench(String url, String user, String password, long rows, int batchSize, List<Double> shares) {
    this.scratch = new ScratchSchema(url, user, password);
    this.cli = new ChildCli(user, password);
    this.rows = rows;
    this.batchSize = batchSize;
    this.shares = shares;
  }

  public Result run() throws Exception {
    Path plans = Files.createTempDirectory("hal9-bench-");
    try (HikariDataSource dataSource = scratch.create()) {
      boolean postgres = dataSource.getJdbcUrl().startsWith("jdbc:postgresql:");
      Files.writeString(plans.resolve("V1__table.yaml"), "steps:\n  - id: bench-table\n    type: sql\n    sql: "
          + NeuronStateBench.table("bench_run", postgres) + "\n");
      Files.writeString(plans.resolve("V2__seed.yaml"), "steps:\n  - id: bench-seed\n    type: neuron-seed\n    table: bench_run"
          + "\n    count: " + rows + "\n    seed: 1\n    batch-size: 5000\n");
      Files.writeString(plans.resolve("V3__state.yaml"), "steps:\n  - id: " + STEP + "\n    type: neuron-state\n"
          + "    table: bench_run\n    from-version: 1\n    to-version: 2\n    batch-size: " + batchSize + "\n    ops:\n"
          + NeuronStateBench.LIGHT.indent(6));
      try (Hal9Migrate setup = Hal9Migrate.configure().dataSource(dataSource).plans(plans).target("2").load()) {
        setup.migrate();
      }
      double jvmStart = seconds(() -> {
        Process version = cli(dataSource, plans, "--version");
        if (!version.waitFor(60, TimeUnit.SECONDS) || version.exitValue() != 0) {
          throw new IllegalStateException("hal9-migrate --version did not exit 0");
        }
      });
      List<Kill> kills = new ArrayList<>();
      Process running = cli(dataSource, plans, "run");
      for (double share : shares) {
        long committed = awaitCommitted(dataSource, running, Math.round(rows * share));
        running.destroyForcibly().waitFor();
        long atKill = committed(dataSource);
        long started = System.nanoTime();
        running = cli(dataSource, plans, "run");
        awaitCommitted(dataSource, running, atKill + 1);
        kills.add(new Kill(share, atKill, (System.nanoTime() - started) / 1e9));
      }
      if (!running.waitFor(1, TimeUnit.HOURS) || running.exitValue() != 0 || committed(dataSource) != rows) {
        throw new IllegalStateException("the last resumed run did not finish the step: exit "
            + (running.isAlive() ? "none" : running.exitValue()) + ", " + committed(dataSource) + " of " + rows + " rows");
      }
      return new Result(postgres ? "postgresql" : "h2", rows, batchSize, jvmStart, kills);
    } finally {
      scratch.drop();
      try (var files = Files.walk(plans)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private Process cli(HikariDataSource dataSource, Path plans, String... command) throws IOException {
    return cli.start(dataSource.getJdbcUrl(), plans, ProcessBuilder.Redirect.DISCARD, command);
  }

  /**
   * Waits until the step has committed {@code target} rows; then their number. Polls every 10 ms: each poll is a
   * query, and polling more often takes CPU from the child starting beside it.
   */
  private static long awaitCommitted(HikariDataSource dataSource, Process process, long target) throws Exception {
    while (true) {
      long done = committed(dataSource);
      if (done >= target) {
        return done;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the run ended (exit " + process.exitValue() + ") before " + target + " rows");
      }
      Thread.sleep(10);
    }
  }

  private static long committed(HikariDataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT rows_done FROM hal9_steps WHERE step_id = ?")) {
      s.setString(1, STEP);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  @FunctionalInterface
  private interface Work {
    void run() throws Exception;
  }

  private static double seconds(Work work) throws Exception {
    long started = System.nanoTime();
    work.run();
    return (System.nanoTime() - started) / 1e9;
  }
}
