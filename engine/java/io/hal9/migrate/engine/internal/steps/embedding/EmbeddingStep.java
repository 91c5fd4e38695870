package io.hal9.migrate.engine.internal.steps.embedding;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.micrometer.core.instrument.Tags;
import io.hal9.migrate.engine.internal.steps.BatchPipeline;
import io.hal9.migrate.engine.internal.steps.SnapshotUndo;
import io.hal9.migrate.engine.internal.steps.StepTables;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.tables.BatchedTable;
import io.hal9.migrate.engine.spi.tables.Catalog;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an embedding step through the batch pipeline: while one batch's vectors are written (the snapshots of what
 * they replace, the writes and the checkpoint in one transaction), the next batch is read and embedded, so the model
 * and the database work at once.
 */
final class EmbeddingStep implements Step {
  private static final Logger log = LoggerFactory.getLogger(EmbeddingStep.class);

  private final StepDefinition step;
  private final Embedder embedder;
  private final int batchSize;
  private final long cacheSize;
  private final boolean keepPrevious;
  private final boolean inPlace;
  /** One for all the partitions this process works of the step: their texts repeat across key ranges too. */
  private EmbeddingCache cache;

  EmbeddingStep(StepDefinition step, Embedder embedder) {
    this.step = step;
    this.embedder = embedder;
    this.batchSize = step.intValue("batch-size");
    this.cacheSize = step.longValue("cache-size");
    this.keepPrevious = step.bool("keep-previous");
    this.inPlace = step.has("target-column");
  }

  /** The step's source and target, resolved in the database; empty (with the problems reported) on a mismatch. */
  static Optional<Tables> resolve(StepDefinition step, StepTables tables, int dimensions, String model) {
    Optional<SourceTable> source = SourceTable.resolve(step, tables);
    if (source.isEmpty()) {
      return Optional.empty();
    }
    Optional<? extends VectorTarget> target = step.has("target-column")
        ? VectorColumnTarget.resolve(tables, source.get(), dimensions)
        : VectorTable.resolve(step, tables, source.get(), model, dimensions);
    return target.map(t -> new Tables(source.get(), t));
  }

  record Tables(SourceTable source, VectorTarget target) {}

  @Override
  public void run(StepContext context) throws Exception {
    Tables tables = tables(context.dsl(), context.upTo());
    if (cache == null) {
      cache = new EmbeddingCache(embedder, cacheSize);
      cache.monitor(context.meters(), Tags.of("version", step.version(), "step", step.id(), "model", embedder.model()));
    }
    Batches batches = new Batches(context, tables, cache,
        Optional.ofNullable(context.counters(EmbeddingCounters.class)).orElse(EmbeddingCounters.NONE));
    BatchPipeline.run(context, tables.source().keys().parse(context.cursor()), batches,
        () -> (long) context.dsl().fetchCount(tables.source().table()));
    log.info("embedding step {} ({}, {} dimensions): {}", step.id(), embedder.model(), embedder.dimensions(), batches.counters);
  }

  /** Each batch read and embedded (through the cache, on all cores) while the one before is written. */
  private final class Batches implements BatchPipeline.Batches<RowKey, Batches.Prepared> {
    private final StepContext context;
    private final SourceTable source;
    private final VectorTarget target;
    private final EmbeddingCache cache;
    private EmbeddingCounters counters;

    /** A batch read and embedded; {@code cache} is what the cache did for this batch alone. */
    private record Prepared(RowKey after, List<RowKey> keys, List<float[]> vectors, long empty, RowKey lastKey, int rowsRead,
        CacheStats cache) {}

    Batches(StepContext context, Tables tables, EmbeddingCache cache, EmbeddingCounters counters) {
      this.context = context;
      this.source = tables.source();
      this.target = tables.target();
      this.cache = cache;
      this.counters = counters;
    }

    @Override
    public Prepared prepare(RowKey after) {
      List<SourceTable.Row> rows = source.read(context.dsl(), after, batchSize);
      if (rows.isEmpty()) {
        return null;
      }
      List<RowKey> keys = new ArrayList<>(rows.size());
      List<String> texts = new ArrayList<>(rows.size());
      for (SourceTable.Row row : rows) {
        if (row.text() != null) {
          keys.add(row.key());
          texts.add(row.text());
        }
      }
      CacheStats before = cache.stats();
      List<float[]> vectors = cache.vectors(texts);
      return new Prepared(after, keys, vectors, rows.size() - keys.size(), rows.get(rows.size() - 1).key(), rows.size(),
          cache.stats().minus(before));
    }

    @Override
    public RowKey last(Prepared batch) {
      return batch.lastKey();
    }

    @Override
    public Batch write(DSLContext tx, Prepared batch) {
      context.snapshots().save(tx, target.previous(tx, batch.after(), batch.lastKey(), batch.keys()));
      target.write(tx, batch.keys(), batch.vectors());
      if (!keepPrevious && target instanceof VectorTable table) {
        table.deleteOtherModels(tx, batch.after(), batch.lastKey());
      }
      counters = counters.plus(batch.keys().size(), batch.empty(), batch.cache());
      return new Batch(source.keys().json(batch.lastKey()), batch.rowsRead(), counters);
    }
  }

  /** Verifies every vector the step wrote, once all its rows (all its partitions') are done. */
  @Override
  public void finish(StepContext context) {
    VectorTarget target = tables(context.dsl(), null).target();
    Verification.Result result = Verification.run(context.dsl(), target, embedder.dimensions());
    if (!result.passed()) {
      throw new IllegalStateException("verification failed: " + result.failed() + " of " + result.checked()
          + " rows with text lack exactly one " + embedder.model() + " vector of dimension " + embedder.dimensions()
          + " and norm 1; first keys: " + String.join(", ", result.firstFailures()));
    }
    log.info("embedding step {}: verified {} vectors of {}", step.id(), result.checked(), embedder.model());
  }

  /**
   * Every write kept what it replaced, so rollback can put it back; but with keep-previous false the other models'
   * vectors were deleted without a trace.
   */
  @Override
  public boolean undoable() {
    return inPlace || keepPrevious;
  }

  /**
   * Writes back what the step replaced, from its snapshots: the previous vector of each row, or no vector where there
   * was none. A step run before snapshots were kept has none: then its model's vectors are deleted, as rollback did
   * then.
   */
  @Override
  public void undo(StepContext context) throws Exception {
    VectorTarget target = tables(context.dsl(), null).target();
    EmbeddingCounters counters = context.counters(EmbeddingCounters.class);
    if (counters != null && !counters.snapshots() && target instanceof VectorTable table) {
      context.complete(tx -> Batch.of(null, table.deleteModel(tx)));
      return;
    }
    SnapshotUndo.run(context, batchSize, target::restore);
  }

  @Override
  public Optional<BatchedTable> batchedTable(DSLContext dsl) {
    SourceTable source = tables(dsl, null).source();
    return Optional.of(new BatchedTable(source.table(), source.keys()));
  }

  /** @param upTo where a partition's keys end, or null */
  private Tables tables(DSLContext dsl, String upTo) {
    return resolve(step, new StepTables(step, Catalog.of(dsl), StepTables.failing()).upTo(upTo), embedder.dimensions(),
        embedder.model()).orElseThrow();
  }
}
