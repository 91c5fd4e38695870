package io.hal9.migrate.engine.internal.steps;

import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.StepContext;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of every batched data step: while one batch is written (its changes and its checkpoint in one fenced
 * transaction), the next is prepared (read, transformed, embedded) on a reader thread, so the step's own work and
 * the database's overlap; the checkpoint still moves one committed batch at a time.
 */
public final class BatchPipeline {
  private static final Logger log = LoggerFactory.getLogger(BatchPipeline.class);

  /** A step's batches: {@code K} is the cursor, {@code P} a batch made ready to write. */
  public interface Batches<K, P> {
    /**
     * The batch after {@code after} (null: the first), or null when none is left. Runs on a reader thread while the
     * batch before is written.
     */
    P prepare(K after) throws Exception;

    /** The cursor after {@code batch}: where the next one starts. */
    K last(P batch);

    /** Writes {@code batch} in the fenced transaction {@code tx}; what it returns is committed with it. */
    Batch write(DSLContext tx, P batch);
  }

  private BatchPipeline() {}

  /**
   * Runs the batches from {@code start} to the end.
   *
   * @param total counts the step's units of work for progress and ETA, on a thread of its own (a resumed step's
   *     first batch does not wait for it); or null
   */
  public static <K, P> void run(StepContext context, K start, Batches<K, P> batches, Callable<Long> total) throws Exception {
    ExecutorService reader = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "hal9-reader-" + context.definition().id());
      t.setDaemon(true);
      return t;
    });
    try {
      if (total != null) {
        reader.submit(() -> {
          try {
            context.expect(total.call());
          } catch (Exception e) {
            log.debug("step {}: counting its rows failed, no ETA: {}", context.definition().id(), e.getMessage());
          }
        });
      }
      Future<P> next = reader.submit(() -> batches.prepare(start));
      while (true) {
        P batch = await(next);
        if (batch == null) {
          return;
        }
        K last = batches.last(batch);
        next = reader.submit(() -> batches.prepare(last));
        context.commit(tx -> batches.write(tx, batch));
      }
    } finally {
      reader.shutdownNow();
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
