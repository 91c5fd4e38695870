package io.hal9.migrate.tools.bench;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.unquotedName;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.zaxxer.hikari.HikariDataSource;
import io.hal9.migrate.engine.api.DataSources;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.ProgressListener;
import io.hal9.migrate.engine.internal.steps.state.StateTransform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;

/**
 * {@code bench neuron-state}: seeds two identical tables in a scratch schema, migrates one with the plain
 * JDBC loop and the other with the engine's neuron-state step, side by side in one process, and compares
 * speed, checkpoint transaction latency, peak heap and the resulting rows.
 */
public final class NeuronStateBench {
  /** The ops of the demo plan's V4: the same transform for both contenders. */
  static final String OPS = """
      - rename:    {from: threshold, to: firing_threshold}
      - clamp:     {field: activation, min: 0.0, max: 1.0}
      - multiply:  {field: bias, by: 0.5}
      - set:       {field: health.latency_ms, value: 0}
      - default:   {field: memory, value: []}
      - remove:    {field: legacy}
      - layer-map: {from: kind, map: {sensor: L1, worker: L2, planner: L3}, default: L2}
      """;

  /** One contender's figures. */
  public record Phase(long rows, double seconds, long peakHeapBytes) {
    public double rowsPerSecond() {
      return rows / seconds;
    }
  }

  /** The whole comparison. */
  public record Result(String database, long rows, int batchSize, boolean snapshot, Phase plain, Phase engine,
      double transactionP50Millis, double transactionP99Millis, int transactions, boolean identical) {
    public double ratio() {
      return engine.rowsPerSecond() / plain.rowsPerSecond();
    }
  }

  private final ScratchSchema scratch;
  private final long rows;
  private final int batchSize;
  private final boolean snapshot;

  public NeuronStateBench(String url, String user, String password, long rows, int batchSize, boolean snapshot) {
    this.scratch = new ScratchSchema(url, user, password);
    this.rows = rows;
    this.batchSize = batchSize;
    this.snapshot = snapshot;
  }

  public Result run() throws Exception {
    Path plans = Files.createTempDirectory("hal9-bench-");
    try (HikariDataSource dataSource = scratch.create()) {
      writePlans(plans);
      SQLDialect dialect = DataSources.dsl(dataSource).dialect();
      try (Hal9Migrate setup = Hal9Migrate.configure().dataSource(dataSource).plans(plans).target("3").load()) {
        setup.migrate();
      }

      StateTransform transform = StateTransform.ofOps(new ObjectMapper(new YAMLFactory()).readTree(OPS), "state");
      Phase plain;
      try (HeapSampler heap = new HeapSampler()) {
        long started = System.nanoTime();
        long updated = new PlainJdbcLoop(dataSource, dialect == SQLDialect.POSTGRES, transform).run("bench_plain", batchSize);
        plain = new Phase(updated, seconds(started), heap.peakBytes());
      }

      List<Duration> transactions = Collections.synchronizedList(new ArrayList<>());
      ProgressListener timing = new ProgressListener() {
        @Override
        public void transactionCommitted(StepInfo step, Duration took) {
          transactions.add(took);
        }
      };
      Phase engine;
      try (HeapSampler heap = new HeapSampler();
          Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(dataSource).plans(plans).progress(timing).load()) {
        long started = System.nanoTime();
        long migrated = hal9.migrate().steps().get(0).rows();
        engine = new Phase(migrated, seconds(started), heap.peakBytes());
      }
      List<Long> nanos = transactions.stream().map(Duration::toNanos).sorted().toList();
      return new Result(dialect == SQLDialect.POSTGRES ? "postgresql" : "h2", rows, batchSize, snapshot, plain, engine,
          percentile(nanos, 0.50), percentile(nanos, 0.99), nanos.size(), identical(DataSources.dsl(dataSource)));
    } finally {
      scratch.drop();
      try (var files = Files.walk(plans)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Both tables hold the same states, versions and layers, row for row. */
  private boolean identical(DSLContext dsl) {
    Table<Record> plain = table(unquotedName("bench_plain")).as("p");
    Table<Record> engine = table(unquotedName("bench_engine")).as("e");
    Field<Long> plainId = field(unquotedName("p", "id"), Long.class);
    Field<Long> engineId = field(unquotedName("e", "id"), Long.class);
    int differences = dsl.fetchCount(dsl.selectOne().from(plain).join(engine).on(plainId.eq(engineId))
        .where(field(unquotedName("p", "state")).ne(field(unquotedName("e", "state")))
            .or(field(unquotedName("p", "state_version")).ne(field(unquotedName("e", "state_version"))))
            .or(field(unquotedName("p", "layer")).ne(field(unquotedName("e", "layer"))))));
    return differences == 0 && dsl.fetchCount(engine) == rows;
  }

  private void writePlans(Path plans) throws IOException {
    String schema = "CREATE TABLE %s (id BIGINT PRIMARY KEY, layer VARCHAR(8) NOT NULL, kind VARCHAR(32) NOT NULL, "
        + "state %s NOT NULL, state_version INT NOT NULL, updated_at TIMESTAMP NOT NULL)";
    Files.writeString(plans.resolve("V1__bench_tables.yaml"), "steps:\n  - id: bench-tables\n    type: sql\n    sql:\n"
        + "      postgresql: " + schema.formatted("bench_plain", "JSONB") + "; " + schema.formatted("bench_engine", "JSONB") + "\n"
        + "      h2: " + schema.formatted("bench_plain", "JSON") + "; " + schema.formatted("bench_engine", "JSON") + "\n");
    Files.writeString(plans.resolve("V2__seed_plain.yaml"), seed("bench-seed-plain", "bench_plain"));
    Files.writeString(plans.resolve("V3__seed_engine.yaml"), seed("bench-seed-engine", "bench_engine"));
    Files.writeString(plans.resolve("V4__state.yaml"), "steps:\n  - id: bench-state\n    type: neuron-state\n"
        + "    table: bench_engine\n    from-version: 1\n    to-version: 2\n    batch-size: " + batchSize + "\n"
        + "    snapshot: " + snapshot + "\n    ops:\n" + OPS.indent(6));
  }

  private String seed(String id, String table) {
    return "steps:\n  - id: " + id + "\n    type: neuron-seed\n    table: " + table + "\n    count: " + rows
        + "\n    seed: 1\n    batch-size: 5000\n";
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static double percentile(List<Long> sortedNanos, double p) {
    if (sortedNanos.isEmpty()) {
      return 0;
    }
    int index = (int) Math.ceil(p * sortedNanos.size()) - 1;
    return sortedNanos.get(Math.max(0, index)) / 1e6;
  }

}
