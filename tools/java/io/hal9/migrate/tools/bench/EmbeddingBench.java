package io.hal9.migrate.tools.bench;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.unquotedName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.hal9.migrate.engine.api.DataSources;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.internal.steps.JsonColumn;
import io.hal9.migrate.engine.internal.steps.embedding.Embedder;
import io.hal9.migrate.engine.spi.tables.Catalog;
import io.hal9.migrate.engine.spi.tables.UserTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.InsertValuesStep6;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;

/**
 * {@code bench embedding}: seeds neurons in a scratch schema whose labels repeat at a given fraction, runs an
 * embedding step over them and reports texts embedded per second, rows written per second, the cache's hit rate
 * and the peak heap.
 */
public final class EmbeddingBench {
  private static final String[] WORDS = {"route", "signals", "to", "planner", "watch", "tasks", "sensor", "merge",
      "reports", "upstream", "layer", "forward", "memory", "recall", "executor", "balance"};

  /** The figures of one run. */
  public record Result(String database, String model, long rows, long distinctLabels, long embedded, double seconds,
      long textsEmbedded, double cacheHitRate, long cacheEvictions, long peakHeapBytes, double bareModelTextsPerSecond) {
    /** Texts the model embedded (cache misses) per second. */
    public double textsPerSecond() {
      return textsEmbedded / seconds;
    }

    /** The step's texts/s as a share of the model's own pace. */
    public double ratioToBareModel() {
      return textsPerSecond() / bareModelTextsPerSecond;
    }

    public double rowsPerSecond() {
      return embedded / seconds;
    }
  }

  /** The warm-up run's rows, and where its labels start: after every label a timed run has. */
  private static final long WARM_UP_ROWS = 1000;
  private static final long WARM_UP_LABELS = 1_000_000_000L;

  private final ScratchSchema scratch;
  private final long rows;
  private final String model;
  private final double duplicates;
  private final long cacheSize;
  private final int batchSize;

  public EmbeddingBench(String url, String user, String password, long rows, String model, double duplicates,
      long cacheSize, int batchSize) {
    this.scratch = new ScratchSchema(url, user, password);
    this.rows = rows;
    this.model = model;
    this.duplicates = duplicates;
    this.cacheSize = cacheSize;
    this.batchSize = batchSize;
  }

  long distinctLabels() {
    return labelsUpTo(rows);
  }

  /**
   * How many distinct labels rows 1..id hold: a new label every {@code 1 / (1 - duplicates)} rows, so the repeats
   * (cache hits) are spread through the table as in a real one, and every batch has texts for the model; the first
   * row always has one.
   */
  private long labelsUpTo(long id) {
    return Math.max(1, (long) Math.ceil(id * (1 - duplicates) - 1e-9));
  }

  public Result run() throws Exception {
    Path plans = Files.createTempDirectory("hal9-bench-");
    try {
      try (var schema = EmbeddingBench.class.getResourceAsStream("/bench/V1__reference_schema.yaml")) {
        Files.copy(schema, plans.resolve("V1__schema.yaml"));
      }
      Files.writeString(plans.resolve("V2__embedding.yaml"), "steps:\n  - id: bench-embedding\n    type: embedding\n"
          + "    model: " + model + "\n    batch-size: " + batchSize + "\n    cache-size: " + cacheSize + "\n");
      // Both warm before either is timed: the model loaded and its loop run once, and the step run once over rows
      // of other labels in a schema dropped after it (the JIT compiles the step's reads and writes then, not in the
      // timed run). Neither start is the step's pace, and a run of millions of rows pays them once.
      Embedder embedder = Embedder.of(model, 256);
      embedder.embed(List.of(label(1)));
      try (HikariDataSource warm = scratch.create()) {
        setUp(warm, plans, Math.min(rows, WARM_UP_ROWS), WARM_UP_LABELS);
        try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(warm).plans(plans).load()) {
          hal9.migrate();
        }
      }
      double bareBefore = bareModelTextsPerSecond(embedder);
      try (HikariDataSource dataSource = scratch.create()) {
        SQLDialect dialect = DataSources.dsl(dataSource).dialect();
        setUp(dataSource, plans, rows, 0);
        double seconds;
        long peak;
        Status.StepStatus step;
        try (HeapSampler heap = new HeapSampler();
            Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(dataSource).plans(plans).load()) {
          long started = System.nanoTime();
          hal9.migrate();
          seconds = (System.nanoTime() - started) / 1e9;
          peak = heap.peakBytes();
          step = hal9.status().versions().get(1).steps().get(0);
        }
        JsonNode counters = new ObjectMapper().readTree(step.counters());
        // After the step too, on code the step warmed up; the better of the two is the bound.
        double bare = Math.max(bareBefore, bareModelTextsPerSecond(embedder));
        return new Result(dialect == SQLDialect.POSTGRES ? "postgresql" : "h2", model, rows, distinctLabels(),
            counters.get("embedded").asLong(), seconds, counters.get("cacheMisses").asLong(),
            counters.get("cacheHitRate").asDouble(), counters.get("cacheEvictions").asLong(), peak, bare);
      }
    } finally {
      scratch.drop();
      try (var files = Files.walk(plans)) {
        files.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The neurons table (the plans' V1) with {@code count} neurons, their labels numbered from {@code labelsFrom}. */
  private void setUp(HikariDataSource dataSource, Path plans, long count, long labelsFrom) {
    try (Hal9Migrate setup = Hal9Migrate.configure().dataSource(dataSource).plans(plans).target("1").load()) {
      setup.migrate();
    }
    seed(DataSources.dsl(dataSource), count, labelsFrom);
  }

  /**
   * The bound: the model alone over the same distinct labels in the same batch sizes, no database, no cache: the
   * embedder the step calls (for all-MiniLM-L6-v2 langchain4j's {@code embedAll}, then a normalisation), the same
   * instance, so both run on one loaded model.
   */
  private double bareModelTextsPerSecond(Embedder embedder) {
    long distinct = distinctLabels();
    long started = System.nanoTime();
    for (long first = 1; first <= distinct; first += batchSize) {
      List<String> texts = new ArrayList<>();
      for (long n = first; n < first + batchSize && n <= distinct; n++) {
        texts.add(label(n));
      }
      embedder.embed(texts);
    }
    return distinct / ((System.nanoTime() - started) / 1e9);
  }

  /** Neurons 1..rows: each either takes the next new label or repeats one of the labels before it. */
  private void seed(DSLContext dsl, long rows, long labelsFrom) {
    Table<Record> neurons = table(unquotedName("neurons"));
    UserTable table = Catalog.of(dsl).table("neurons").orElseThrow();
    JsonColumn state = JsonColumn.of(table, table.column("state").orElseThrow());
    LocalDateTime now = LocalDateTime.now();
    for (long first = 1; first <= rows; first += 5000) {
      long last = Math.min(rows, first + 4999);
      InsertValuesStep6<Record, Long, String, String, Object, Integer, LocalDateTime> insert = dsl.insertInto(neurons,
          field(unquotedName("neurons", "id"), Long.class), field(unquotedName("neurons", "layer"), String.class),
          field(unquotedName("neurons", "kind"), String.class), state.field(),
          field(unquotedName("neurons", "state_version"), Integer.class), field(unquotedName("neurons", "updated_at"), LocalDateTime.class));
      for (long id = first; id <= last; id++) {
        long labels = labelsUpTo(id);
        long labelOf = labels > labelsUpTo(id - 1) ? labels : 1 + Math.floorMod(id * 2_654_435_761L, labels);
        String json = "{\"label\":\"" + label(labelsFrom + labelOf) + "\"}";
        insert = insert.values(id, "L2", "worker", state.value(json), 1, now);
      }
      insert.execute();
    }
  }

  /** A sentence of four to six words, different for every n. */
  static String label(long n) {
    StringBuilder text = new StringBuilder();
    long rest = n;
    for (int i = 0; i < 3; i++) {
      text.append(i == 0 ? "" : " ").append(WORDS[(int) (rest % WORDS.length)]);
      rest /= WORDS.length;
    }
    return text.append(" unit ").append(n).toString();
  }
}
