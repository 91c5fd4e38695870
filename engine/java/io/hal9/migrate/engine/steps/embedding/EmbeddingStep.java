package io.hal9.migrate.engine.steps.embedding;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an embedding step. While one batch's vectors are written (its upserts and checkpoint in one transaction),
 * the next batch is read and embedded on the other threads, so the model and the database work at once.
 */
final class EmbeddingStep implements Step {
  private static final Logger log = LoggerFactory.getLogger(EmbeddingStep.class);

  private final StepDefinition step;
  private final Embedder embedder;
  private final SourceTable source;
  private final TargetTable target;
  private final int batchSize;
  private final long cacheSize;
  private final boolean keepPrevious;

  EmbeddingStep(StepDefinition step, Embedder embedder) {
    this.step = step;
    this.embedder = embedder;
    this.source = new SourceTable(step.string("table"), step.string("key"), step.string("text"));
    this.target = new TargetTable(step.string("target"));
    this.batchSize = step.intValue("batch-size");
    this.cacheSize = step.longValue("cache-size");
    this.keepPrevious = step.bool("keep-previous");
  }

  /** A batch read and embedded, ready to write; {@code cache} is what the cache did for this batch alone. */
  private record Prepared(List<Long> keys, List<float[]> vectors, long empty, Long lastKey, int rowsRead,
      CacheStats cache) {}

  @Override
  public void run(StepContext context) throws Exception {
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
      Long start = context.cursor() == null ? null : Long.valueOf(context.cursor());
      Future<Prepared> next = reader.submit(() -> prepare(context, cache, start));
      while (true) {
        Prepared batch = await(next);
        if (batch.rowsRead() == 0) {
          break;
        }
        Long after = context.cursor() == null ? null : Long.valueOf(context.cursor());
        next = reader.submit(() -> prepare(context, cache, batch.lastKey()));
        counters.add(batch.keys().size(), batch.empty(), batch.cache());
        String json = counters.json();
        context.commit(tx -> {
          target.upsert(tx, batch.keys(), embedder.model(), embedder.dimensions(), batch.vectors());
          if (!keepPrevious) {
            target.deleteOtherModels(tx, after, batch.lastKey(), embedder.model());
          }
          return new Batch(String.valueOf(batch.lastKey()), batch.rowsRead(), json);
        });
      }
    } finally {
      reader.shutdownNow();
    }
    verify(context);
    log.info("embedding step {} ({}, {} dimensions): {}", step.id(), embedder.model(), embedder.dimensions(), counters);
  }

  /** Reads the batch after {@code after} and embeds its texts, through the cache, on all cores. */
  private Prepared prepare(StepContext context, EmbeddingCache cache, Long after) {
    List<SourceTable.Row> rows = source.read(context.dsl(), after, batchSize);
    if (rows.isEmpty()) {
      return new Prepared(List.of(), List.of(), 0, after, 0, CacheStats.empty());
    }
    List<Long> keys = new ArrayList<>(rows.size());
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

  private void verify(StepContext context) {
    Verification.Result result = Verification.run(context.dsl(), source, target, embedder.model(), embedder.dimensions());
    if (!result.passed()) {
      throw new IllegalStateException("verification failed: " + result.failed() + " of " + result.checked()
          + " rows with text lack exactly one " + embedder.model() + " vector of dimension " + embedder.dimensions()
          + " and norm 1; first keys: " + String.join(", ", result.firstFailures()));
    }
    log.info("embedding step {}: verified {} vectors of {}", step.id(), result.checked(), embedder.model());
  }

  /** Only while the other models' rows are kept: rollback then leaves the previous model's vectors in place. */
  @Override
  public boolean undoable() {
    return keepPrevious;
  }

  /** Deletes every vector of the step's model, in one transaction with the step's rolled-back mark. */
  @Override
  public void undo(StepContext context) {
    context.complete(tx -> Batch.of(null, target.deleteModel(tx, embedder.model())));
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
