package io.hal9.migrate.engine.steps.embedding;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.hal9.migrate.checkpoints.RowData;
import io.hal9.migrate.checkpoints.RowSnapshot;
import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.steps.StepTables;
import io.hal9.migrate.engine.tables.Catalog;
import io.hal9.migrate.engine.tables.RowKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an embedding step. While one batch's vectors are written (the snapshots of what they replace, the writes
 * and the checkpoint in one transaction), the next batch is read and embedded on the other threads, so the model
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

  /** A batch read and embedded, ready to write; {@code cache} is what the cache did for this batch alone. */
  private record Prepared(List<RowKey> keys, List<float[]> vectors, long empty, RowKey lastKey, int rowsRead,
      CacheStats cache) {}

  @Override
  public void run(StepContext context) throws Exception {
    Tables tables = tables(context.dsl());
    SourceTable source = tables.source();
    VectorTarget target = tables.target();
    EmbeddingCounters counters = EmbeddingCounters.parse(context.counters());
    EmbeddingCache cache = new EmbeddingCache(embedder, cacheSize);
    ExecutorService reader = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "hal9-embedding-reader");
      t.setDaemon(true);
      return t;
    });
    try {
      // For progress and ETA only: counting must not delay the first batch of a resumed step.
      reader.submit(() -> context.expect(context.dsl().fetchCount(source.table())));
      RowKey start = source.keys().parse(context.cursor());
      Future<Prepared> next = reader.submit(() -> prepare(context, source, cache, start));
      RowKey after = start;
      while (true) {
        Prepared batch = await(next);
        if (batch.rowsRead() == 0) {
          break;
        }
        RowKey first = after;
        next = reader.submit(() -> prepare(context, source, cache, batch.lastKey()));
        counters.add(batch.keys().size(), batch.empty(), batch.cache());
        String json = counters.json();
        context.commit(tx -> {
          RowData.snapshotted(tx, step.id(), target.previous(tx, first, batch.lastKey(), batch.keys()));
          target.write(tx, batch.keys(), batch.vectors());
          if (!keepPrevious && target instanceof VectorTable table) {
            table.deleteOtherModels(tx, first, batch.lastKey());
          }
          return new Batch(source.keys().json(batch.lastKey()), batch.rowsRead(), json);
        });
        after = batch.lastKey();
      }
    } finally {
      reader.shutdownNow();
    }
    verify(context, target);
    log.info("embedding step {} ({}, {} dimensions): {}", step.id(), embedder.model(), embedder.dimensions(), counters);
  }

  /** Reads the batch after {@code after} and embeds its texts, through the cache, on all cores. */
  private Prepared prepare(StepContext context, SourceTable source, EmbeddingCache cache, RowKey after) {
    List<SourceTable.Row> rows = source.read(context.dsl(), after, batchSize);
    if (rows.isEmpty()) {
      return new Prepared(List.of(), List.of(), 0, after, 0, CacheStats.empty());
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
    return new Prepared(keys, vectors, rows.size() - keys.size(), rows.get(rows.size() - 1).key(), rows.size(),
        cache.stats().minus(before));
  }

  private void verify(StepContext context, VectorTarget target) {
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
   * Writes back what the step replaced, batch by batch from its snapshots (deleting them as it goes): the previous
   * vector of each row, or no vector where there was none. A step run before snapshots were kept has none: then
   * its model's vectors are deleted, as rollback did then.
   */
  @Override
  public void undo(StepContext context) {
    VectorTarget target = tables(context.dsl()).target();
    if (!EmbeddingCounters.parse(context.counters()).snapshots() && target instanceof VectorTable table) {
      context.complete(tx -> Batch.of(null, table.deleteModel(tx)));
      return;
    }
    while (true) {
      List<RowSnapshot> snapshots = RowData.snapshots(context.dsl(), step.id(), batchSize);
      if (snapshots.isEmpty()) {
        break;
      }
      String last = snapshots.get(snapshots.size() - 1).key();
      context.commit(tx -> {
        target.restore(tx, snapshots);
        RowData.snapshotsRemovedThrough(tx, step.id(), last);
        return Batch.of(last, snapshots.size());
      });
    }
    context.complete(tx -> Batch.of(null, 0));
  }

  private Tables tables(DSLContext dsl) {
    return resolve(step, new StepTables(step, Catalog.of(dsl), StepTables.failing()), embedder.dimensions(), embedder.model())
        .orElseThrow();
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
