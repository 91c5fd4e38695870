package io.hal9.migrate.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.hal9.migrate.engine.api.Hal9Migrate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bench neuron-state}: the neuron-state step with snapshots off and on, beside the loop a user writes by
 * hand and, on PostgreSQL, the hand-written SQL bound, over several transform shapes. Every contender starts from
 * a fresh copy of one seeded table, in one process, round after round; the figures are the medians, and the
 * results are compared row for row (numbers within 1e-12, since the loop uses doubles).
 */
public final class NeuronStateBench {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String REFERENCE = "bench_reference";
  private static final String RUN = "bench_run";

  /** Four light ops over top-level fields: what a small release migration does. */
  static final String LIGHT = """
      - rename:    {from: threshold, to: firing_threshold}
      - clamp:     {field: activation, min: 0.0, max: 1.0}
      - multiply:  {field: bias, by: 0.5}
      - set:       {field: schema, value: 2}
      """;

  /** The ops of the demo plan's V4. */
  static final String DEMO = """
      - rename:    {from: threshold, to: firing_threshold}
      - clamp:     {field: activation, min: 0.0, max: 1.0}
      - multiply:  {field: bias, by: 0.5}
      - set:       {field: health.latency_ms, value: 0}
      - default:   {field: memory, value: []}
      - remove:    {field: legacy}
      - layer-map: {from: kind, map: {sensor: L1, worker: L2, planner: L3}, default: L2}
      """;

  static final String PLAIN = "hand-written loop";
  static final String SQL = "hand-written SQL";
  static final String ENGINE_OFF = "engine, snapshots off";
  static final String ENGINE_ON = "engine, snapshots on";

  /** A transform to measure: its name and its ops. */
  public record Shape(String name, JsonNode ops) {
    public static Shape of(String name, String opsYaml) {
      try {
        return new Shape(name, YAML.readTree(opsYaml));
      } catch (IOException e) {
        throw new IllegalArgumentException(e);
      }
    }

    /** A plan step file (a step with {@code ops}, or a plan whose first step has them). */
    public static Shape fromStepFile(Path file) throws IOException {
      JsonNode root = YAML.readTree(file.toFile());
      JsonNode step = root != null && root.has("steps") ? root.path("steps").path(0) : root;
      if (step == null || !step.path("ops").isArray() || step.path("ops").isEmpty()) {
        throw new IllegalArgumentException("expected a neuron-state step with a list of 'ops'");
      }
      return new Shape(file.getFileName().toString(), step.path("ops"));
    }

    static List<Shape> defaults() {
      return List.of(of("light", LIGHT), of("demo", DEMO));
    }
  }

  /** One contender's medians over the rounds. */
  public record Contender(String name, double rowsPerSecond, List<Double> rounds, long peakHeapBytes) {}

  /** A ratio of two contenders' medians. */
  public record Ratio(String shape, String of, String to, double value) {}

  /** One shape's figures; {@code differences} counts rows where a contender's result differs from the engine's. */
  public record ShapeResult(String shape, List<Contender> contenders, List<Ratio> ratios, Map<String, Long> differences) {}

  public record Result(String database, long rows, int batchSize, int rounds, List<ShapeResult> shapes) {
    /** The lowest ratio of all: the figure to quote. */
    public Ratio weakest() {
      return shapes.stream().flatMap(s -> s.ratios().stream()).min((a, b) -> Double.compare(a.value(), b.value())).orElseThrow();
    }

    public boolean identical() {
      return shapes.stream().allMatch(s -> s.differences().values().stream().allMatch(n -> n == 0));
    }
  }

  private final ScratchSchema scratch;
  private final long rows;
  private final int batchSize;
  private final int rounds;
  private final List<Shape> shapes;
  private int versions = 2;

  public NeuronStateBench(String url, String user, String password, long rows, int batchSize, int rounds, List<Shape> shapes) {
    this.scratch = new ScratchSchema(url, user, password);
    this.rows = rows;
    this.batchSize = batchSize;
    this.rounds = rounds;
    this.shapes = shapes.isEmpty() ? Shape.defaults() : shapes;
  }

  public Result run() throws Exception {
    Path plans = Files.createTempDirectory("hal9-bench-");
    try (HikariDataSource dataSource = scratch.create()) {
      boolean postgres = dataSource.getJdbcUrl().startsWith("jdbc:postgresql:");
      seed(dataSource, plans, postgres);
      List<ShapeResult> results = new ArrayList<>();
      for (Shape shape : shapes) {
        results.add(measure(dataSource, plans, postgres, shape));
      }
      return new Result(postgres ? "postgresql" : "h2", rows, batchSize, rounds, results);
    } finally {
      scratch.drop();
      try (var files = Files.walk(plans)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private ShapeResult measure(HikariDataSource dataSource, Path plans, boolean postgres, Shape shape) throws Exception {
    HandWrittenLoop loop = new HandWrittenLoop(dataSource, postgres, shape.ops());
    Optional<HandWrittenSql> sql = postgres ? HandWrittenSql.of(dataSource, shape.ops()) : Optional.empty();
    Map<String, List<Double>> rates = new LinkedHashMap<>();
    Map<String, Long> heaps = new LinkedHashMap<>();
    Map<String, Long> differences = new LinkedHashMap<>();
    Map<String, TableWork> others = new LinkedHashMap<>();
    others.put(ENGINE_ON, table -> engine(dataSource, plans, shape, table, true));
    others.put(PLAIN, table -> loop.run(table, batchSize));
    sql.ifPresent(bound -> others.put(SQL, bound::run));
    for (int round = 0; round < rounds; round++) {
      // The first round keeps the engine's result and compares every other contender's with it.
      boolean compare = round == 0;
      time(dataSource, ENGINE_OFF, rates, heaps, table -> engine(dataSource, plans, shape, table, false),
          compare ? REFERENCE : RUN);
      for (Map.Entry<String, TableWork> other : others.entrySet()) {
        time(dataSource, other.getKey(), rates, heaps, other.getValue(), RUN);
        if (compare) {
          differences.put(other.getKey(), different(dataSource, RUN));
        }
      }
      drop(dataSource, RUN);
    }
    drop(dataSource, REFERENCE);
    List<Contender> contenders = new ArrayList<>();
    rates.forEach((name, list) -> contenders.add(new Contender(name, median(list), List.copyOf(list), heaps.get(name))));
    List<Ratio> ratios = new ArrayList<>();
    for (String engine : List.of(ENGINE_OFF, ENGINE_ON)) {
      for (String base : List.of(PLAIN, SQL)) {
        if (rates.containsKey(base)) {
          ratios.add(new Ratio(shape.name(), engine, base, median(rates.get(engine)) / median(rates.get(base))));
        }
      }
    }
    return new ShapeResult(shape.name(), contenders, ratios, differences);
  }

  /** One run of one contender on a fresh copy of the seed, into {@code table}. */
  private void time(HikariDataSource dataSource, String name, Map<String, List<Double>> rates, Map<String, Long> heaps,
      TableWork work, String table) throws Exception {
    copySeed(dataSource, table);
    long migrated;
    double seconds;
    try (HeapSampler heap = new HeapSampler()) {
      long started = System.nanoTime();
      migrated = work.run(table);
      seconds = (System.nanoTime() - started) / 1e9;
      heaps.merge(name, heap.peakBytes(), Math::max);
    }
    if (migrated != rows) {
      throw new IllegalStateException(name + " migrated " + migrated + " of " + rows + " rows");
    }
    rates.computeIfAbsent(name, n -> new ArrayList<>()).add(rows / seconds);
  }

  @FunctionalInterface
  private interface TableWork {
    long run(String table) throws Exception;
  }

  private long engine(HikariDataSource dataSource, Path plans, Shape shape, String table, boolean snapshot) throws IOException {
    versions++;
    Files.writeString(plans.resolve("V" + versions + "__state.yaml"), "steps:\n  - id: bench-state-" + versions
        + "\n    type: neuron-state\n    table: " + table + "\n    from-version: 1\n    to-version: 2\n    batch-size: "
        + batchSize + "\n    snapshot: " + snapshot + "\n    ops:\n" + YAML.writeValueAsString(shape.ops()).replaceFirst("^---\n", "").indent(6));
    try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(dataSource).plans(plans).load()) {
      return hal9.migrate().steps().get(0).rows();
    }
  }

  /** The neuron table every contender gets a copy of. */
  static String table(String name, boolean postgres) {
    return "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, layer VARCHAR(8) NOT NULL, kind VARCHAR(32) NOT NULL, state "
        + (postgres ? "JSONB" : "JSON") + " NOT NULL, state_version INT NOT NULL, updated_at TIMESTAMP NOT NULL)";
  }

  private void seed(HikariDataSource dataSource, Path plans, boolean postgres) throws IOException {
    Files.writeString(plans.resolve("V1__bench_seed_table.yaml"), "steps:\n  - id: bench-seed-table\n    type: sql\n    sql: "
        + table("bench_seed", postgres) + "\n");
    Files.writeString(plans.resolve("V2__seed.yaml"), "steps:\n  - id: bench-seed\n    type: neuron-seed\n    table: bench_seed"
        + "\n    count: " + rows + "\n    seed: 1\n    batch-size: 5000\n");
    try (Hal9Migrate setup = Hal9Migrate.configure().dataSource(dataSource).plans(plans).load()) {
      setup.migrate();
    }
  }

  private static void copySeed(HikariDataSource dataSource, String table) throws SQLException {
    drop(dataSource, table);
    boolean postgres = dataSource.getJdbcUrl().startsWith("jdbc:postgresql:");
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(table(table, postgres));
      s.execute("INSERT INTO " + table + " SELECT * FROM bench_seed");
      if (postgres) {
        s.execute("ANALYZE " + table);
      }
    }
  }

  private static void drop(HikariDataSource dataSource, String table) throws SQLException {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
    }
  }

  /** Rows of {@code table} whose state, version or layer differ from the reference's (numbers within 1e-12). */
  private static long different(HikariDataSource dataSource, String table) throws Exception {
    String query = "SELECT id, state, state_version, layer FROM %s ORDER BY id";
    ObjectMapper json = new ObjectMapper();
    long different = 0;
    try (Connection a = dataSource.getConnection(); Connection b = dataSource.getConnection()) {
      a.setAutoCommit(false);
      b.setAutoCommit(false);
      try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
        sa.setFetchSize(5000);
        sb.setFetchSize(5000);
        try (var ra = sa.executeQuery(query.formatted(REFERENCE)); var rb = sb.executeQuery(query.formatted(table))) {
          while (ra.next()) {
            if (!rb.next() || ra.getLong(1) != rb.getLong(1) || ra.getInt(3) != rb.getInt(3)
                || !ra.getString(4).equals(rb.getString(4)) || !close(json.readTree(ra.getString(2)), json.readTree(rb.getString(2)))) {
              different++;
            }
          }
          if (rb.next()) {
            different++;
          }
        }
      }
    }
    return different;
  }

  /** Equal trees, numbers compared within 1e-12 of their size. */
  private static boolean close(JsonNode a, JsonNode b) {
    if (a.isNumber() && b.isNumber()) {
      double x = a.asDouble();
      double y = b.asDouble();
      return Math.abs(x - y) <= 1e-12 * Math.max(1, Math.max(Math.abs(x), Math.abs(y)));
    }
    if (a.isObject() && b.isObject()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (Iterator<String> names = a.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!b.has(name) || !close(a.get(name), b.get(name))) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray() && b.isArray()) {
      if (a.size() != b.size()) {
        return false;
      }
      for (int i = 0; i < a.size(); i++) {
        if (!close(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
