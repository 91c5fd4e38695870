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
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@code bench workers}: one partitioned step, on a fresh copy of its table each time, worked by 1, 2, 4... processes
 * in all: the runner ({@code run}) and N-1 {@code worker}s, each the CLI in a JVM of its own as a pod would run it,
 * the workers up and waiting before the runner splits the step. For each count: the step's rows per second (from its
 * start to its end, as the engine records them), the speed-up over one process, each process's CPU and the machine's
 * while the step ran (the rest being the database when it runs here), and whether its data equal the one process's.
 * Two shapes: a CPU-heavy Java transform (neuron-state) and the embedding step without a cache.
 */
public final class WorkersBench {
  static final String STATE = "java-transform";
  static final String EMBEDDING = "embedding";
  /** The children's sessions' name in pg_stat_activity: their server processes are the database's CPU. */
  private static final String APPLICATION = "hal9-bench-workers";
  private static final long STEP_TIMEOUT_MILLIS = TimeUnit.HOURS.toMillis(1);

  /** A process's part in one measurement: its partitions and rows, and the cores it kept busy while the step ran. */
  public record Share(String role, long pid, int partitions, long rows, double cpuCores) {}

  /**
   * One process count's figures; CPU figures are in cores busy on average while the step ran, -1 when not known (the
   * machine's without /proc/stat, the database's when it runs on another machine).
   */
  public record Measurement(int processes, double seconds, double rowsPerSecond, double speedUp, long differentRows,
      double machineCpuCores, double databaseCpuCores, List<Share> shares) {
    /**
     * Rows per second of one core of the step's processes: what a machine of its own would add per core, whatever
     * share of this one other work took; -1 when the processes' CPU is not known.
     */
    public double rowsPerCpuSecond() {
      double cores = shares.stream().mapToDouble(Share::cpuCores).sum();
      return cores > 0 ? rowsPerSecond / cores : -1;
    }

    /** Cores busy outside the step's processes and their database sessions: other work on the machine, this bench. */
    public double otherCpuCores() {
      return machineCpuCores < 0 ? -1 : Math.max(0, machineCpuCores - Math.max(0, databaseCpuCores)
          - shares.stream().mapToDouble(Share::cpuCores).sum());
    }
  }

  public record ShapeResult(String shape, String description, long rows, List<Measurement> measurements) {
    /** The fewest processes that no larger count beats by 10% or more: where adding one stops paying. */
    public Measurement saturation() {
      for (Measurement m : measurements) {
        if (measurements.stream().noneMatch(o -> o.processes() > m.processes() && o.rowsPerSecond() >= 1.1 * m.rowsPerSecond())) {
          return m;
        }
      }
      throw new IllegalStateException("no measurement");
    }
  }

  /** The lowest speed-up of more than one process (of all when there is no such count). */
  public record Weakest(String shape, int processes, double speedUp) {}

  public record Result(String database, int partitions, int cores, List<ShapeResult> shapes) {
    public Weakest weakest() {
      List<Weakest> all = new ArrayList<>();
      shapes.forEach(s -> s.measurements().forEach(m -> all.add(new Weakest(s.shape(), m.processes(), m.speedUp()))));
      return all.stream().filter(w -> w.processes() > 1).min((a, b) -> Double.compare(a.speedUp(), b.speedUp()))
          .orElse(all.get(0));
    }

    public boolean identical() {
      return shapes.stream().allMatch(s -> s.measurements().stream().allMatch(m -> m.differentRows() == 0));
    }
  }

  private final ScratchSchema scratch;
  private final ChildCli cli;
  private final List<Integer> counts;
  private final int partitions;
  private final long stateRows;
  private final long embeddingRows;
  private final String model;
  private int versions = 3;

  public WorkersBench(String url, String user, String password, List<Integer> counts, int partitions, long stateRows,
      long embeddingRows, String model) {
    this.scratch = new ScratchSchema(url, user, password);
    this.cli = new ChildCli(user, password);
    this.counts = counts;
    this.partitions = partitions;
    this.stateRows = stateRows;
    this.embeddingRows = embeddingRows;
    this.model = model;
  }

  public Result run() throws Exception {
    Path plans = Files.createTempDirectory("hal9-bench-");
    try (HikariDataSource dataSource = scratch.create()) {
      seed(dataSource, plans);
      List<ShapeResult> shapes = new ArrayList<>();
      shapes.add(measure(dataSource, plans, STATE, "neuron-state, a multiply and " + FingerprintTransform.class.getSimpleName()
          + " (" + FingerprintTransform.ROUNDS + " SHA-256 rounds a row), snapshots off", stateRows));
      shapes.add(measure(dataSource, plans, EMBEDDING, "embedding, " + model + ", no cache (every row's text through the model)",
          embeddingRows));
      return new Result("postgresql", partitions, CpuTimes.cores(), shapes);
    } finally {
      scratch.drop();
      try (var files = Files.walk(plans)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The two source tables, seeded once: neuron states to transform, neuron labels to embed. */
  private void seed(HikariDataSource dataSource, Path plans) throws IOException {
    Files.writeString(plans.resolve("V1__bench_tables.yaml"), "steps:\n  - id: bench-tables\n    type: sql\n    sql: "
        + NeuronStateBench.table("bench_seed", true) + "; " + NeuronStateBench.table("bench_texts", true) + "\n");
    Files.writeString(plans.resolve("V2__seed_states.yaml"), "steps:\n  - id: bench-seed-states\n    type: neuron-seed\n"
        + "    table: bench_seed\n    count: " + stateRows + "\n    seed: 1\n    batch-size: 5000\n");
    Files.writeString(plans.resolve("V3__seed_texts.yaml"), "steps:\n  - id: bench-seed-texts\n    type: neuron-seed\n"
        + "    table: bench_texts\n    count: " + embeddingRows + "\n    seed: 2\n    batch-size: 5000\n");
    try (Hal9Migrate setup = Hal9Migrate.configure().dataSource(dataSource).plans(plans).load()) {
      setup.migrate();
    }
  }

  private ShapeResult measure(HikariDataSource dataSource, Path plans, String shape, String description, long rows)
      throws Exception {
    List<Measurement> measurements = new ArrayList<>();
    String reference = null;
    for (int processes : counts) {
      String table = prepare(dataSource, plans, shape, ++versions);
      Measurement m = measure(dataSource, plans, shape, table, rows, processes, reference,
          measurements.isEmpty() ? 0 : measurements.get(0).rowsPerSecond());
      measurements.add(m);
      if (reference == null) {
        reference = table;
      } else {
        execute(dataSource, "DROP TABLE " + table);
      }
    }
    return new ShapeResult(shape, description, rows, measurements);
  }

  /** The table this measurement writes, fresh, and its step in a plan version of its own. */
  private String prepare(HikariDataSource dataSource, Path plans, String shape, int version) throws Exception {
    String table = "bench_" + (shape.equals(STATE) ? "state" : "vectors") + "_" + version;
    String step;
    if (shape.equals(STATE)) {
      execute(dataSource, NeuronStateBench.table(table, true));
      execute(dataSource, "INSERT INTO " + table + " SELECT * FROM bench_seed");
      step = "    type: neuron-state\n    table: " + table + "\n    from-version: 1\n    to-version: 2\n    snapshot: false\n"
          + "    transform: " + FingerprintTransform.class.getName() + "\n    ops:\n      - multiply: {field: bias, by: 2}\n";
    } else {
      execute(dataSource, "CREATE TABLE " + table + " (neuron_id BIGINT NOT NULL, model VARCHAR(64) NOT NULL, dim INT NOT NULL,"
          + " vector REAL[] NOT NULL, created_at TIMESTAMP NOT NULL, PRIMARY KEY (neuron_id, model))");
      step = "    type: embedding\n    table: bench_texts\n    model: " + model + "\n    target: " + table + "\n    cache-size: 0\n";
    }
    execute(dataSource, "ANALYZE " + (shape.equals(STATE) ? table : "bench_texts"));
    Files.writeString(plans.resolve("V" + version + "__workers.yaml"), "steps:\n  - id: " + table + "\n" + step
        + "    partitions: " + partitions + "\n");
    return table;
  }

  /**
   * One count: the workers started and enlisted, then the runner; CPU sampled from the step's start to its end; every
   * process's exit awaited (each must exit 0: the workers leave once the plans have nothing left to run).
   */
  private Measurement measure(HikariDataSource dataSource, Path plans, String shape, String table, long rows, int processes,
      String reference, double baseline) throws Exception {
    Path log = plans.resolve(table + ".log");
    String url = dataSource.getJdbcUrl() + "&ApplicationName=" + APPLICATION;
    List<Process> all = new ArrayList<>();
    try {
      for (int i = 1; i < processes; i++) {
        all.add(cli.start(url, plans, ProcessBuilder.Redirect.appendTo(log.toFile()), "worker", "--idle-timeout", "600"));
      }
      awaitEnlisted(dataSource, all, log);
      Process runner = cli.start(url, plans, ProcessBuilder.Redirect.appendTo(log.toFile()), "run");
      all.add(0, runner);
      CpuTimes times = new CpuTimes(all.stream().map(Process::toHandle).toList(), () -> backends(dataSource));
      CpuTimes.Sample start = null;
      CpuTimes.Sample end;
      long deadline = System.currentTimeMillis() + STEP_TIMEOUT_MILLIS;
      while (true) {
        String state = query(dataSource, "SELECT state FROM hal9_steps WHERE step_id = ?", table);
        CpuTimes.Sample now = times.sample();
        if (start == null && state != null) {
          start = now;
        }
        if ("done".equals(state)) {
          end = now;
          break;
        }
        if (!runner.isAlive() || System.currentTimeMillis() > deadline) {
          throw failed(log, "the runner " + (runner.isAlive() ? "did not finish in time" : "exited " + runner.exitValue())
              + " before step " + table + " was done");
        }
        Thread.sleep(100);
      }
      for (Process p : all) {
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw failed(log, "process " + p.pid() + (p.isAlive() ? " did not exit" : " exited " + p.exitValue()) + " after the step");
        }
      }
      double seconds = stepSeconds(dataSource, table);
      long done = Long.parseLong(query(dataSource, "SELECT rows_done FROM hal9_steps WHERE step_id = ?", table));
      if (done != rows) {
        throw failed(log, "step " + table + " did " + done + " of " + rows + " rows");
      }
      List<Share> shares = new ArrayList<>();
      Map<Long, long[]> parts = partitionsByPid(dataSource, table);
      for (Process p : all) {
        long[] mine = parts.getOrDefault(p.pid(), new long[2]);
        shares.add(new Share(p == runner ? "run" : "worker", p.pid(), (int) mine[0], mine[1], times.cores(start, end, p.pid())));
      }
      double rate = rows / seconds;
      return new Measurement(processes, seconds, rate, baseline == 0 ? 1 : rate / baseline,
          reference == null ? 0 : different(dataSource, shape, table, reference), times.machineCores(start, end),
          times.databaseCores(start, end), shares);
    } finally {
      all.forEach(p -> p.destroyForcibly());
    }
  }

  /** Waits until every worker has enlisted (so none is still starting its JVM when the runner splits the step). */
  private static void awaitEnlisted(HikariDataSource dataSource, List<Process> workers, Path log) throws Exception {
    if (workers.isEmpty()) {
      return;
    }
    String pids = workers.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(","));
    long deadline = System.currentTimeMillis() + 120_000;
    while (Long.parseLong(query(dataSource, "SELECT count(*) FROM hal9_runs WHERE command = 'worker' AND state = 'running'"
        + " AND owner_pid IN (" + pids + ")")) < workers.size()) {
      for (Process p : workers) {
        if (!p.isAlive() || System.currentTimeMillis() > deadline) {
          throw failed(log, "worker " + p.pid() + (p.isAlive() ? " did not enlist in time" : " exited " + p.exitValue()));
        }
      }
      Thread.sleep(50);
    }
  }

  private static List<Long> backends(HikariDataSource dataSource) throws SQLException {
    List<Long> pids = new ArrayList<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
      s.setString(1, APPLICATION);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          pids.add(r.getLong(1));
        }
      }
    }
    return pids;
  }

  /** Rows of {@code table} that differ from the one process's result (or are missing from either). */
  private static long different(HikariDataSource dataSource, String shape, String table, String reference) throws SQLException {
    String sql = shape.equals(STATE)
        ? "SELECT count(*) FROM %s a FULL JOIN %s b ON a.id = b.id WHERE a.state IS DISTINCT FROM b.state"
            + " OR a.state_version IS DISTINCT FROM b.state_version"
        : "SELECT count(*) FROM %s a FULL JOIN %s b ON a.neuron_id = b.neuron_id AND a.model = b.model"
            + " WHERE a.vector IS DISTINCT FROM b.vector";
    return Long.parseLong(query(dataSource, sql.formatted(table, reference)));
  }

  private static double stepSeconds(HikariDataSource dataSource, String table) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT started_at, finished_at FROM hal9_steps WHERE step_id = ?")) {
      s.setString(1, table);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return Duration.between(r.getTimestamp(1).toLocalDateTime(), r.getTimestamp(2).toLocalDateTime()).toNanos() / 1e9;
      }
    }
  }

  /** Each owner's partitions and rows. */
  private static Map<Long, long[]> partitionsByPid(HikariDataSource dataSource, String table) throws SQLException {
    Map<Long, long[]> parts = new HashMap<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT owner_pid, count(*), sum(rows_done) FROM hal9_partitions WHERE step_id = ? GROUP BY owner_pid")) {
      s.setString(1, table);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          parts.put(r.getLong(1), new long[] {r.getLong(2), r.getLong(3)});
        }
      }
    }
    return parts;
  }

  /** The first column of the first row, as text (null when there is none). */
  private static String query(HikariDataSource dataSource, String sql, String... parameters) throws SQLException {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setString(i + 1, parameters[i]);
      }
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  private static void execute(HikariDataSource dataSource, String sql) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** A failure with the children's last lines of output. */
  private static IllegalStateException failed(Path log, String what) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    return new IllegalStateException(what + (lines.isEmpty() ? "" : "; the processes' last output:\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()))));
  }
}
