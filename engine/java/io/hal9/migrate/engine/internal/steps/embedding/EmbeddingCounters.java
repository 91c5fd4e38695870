package io.hal9.migrate.engine.internal.steps.embedding;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Locale;

/**
 * An embedding step's counts, kept in its checkpoint (so {@code status} shows them and a resumed step goes on
 * counting): rows embedded, rows with empty or missing text, and the cache's hits, misses, hit rate and evictions
 * over the committed batches.
 *
 * @param snapshots false for the counters of a step run before vector snapshots were kept (their rollback differs)
 */
record EmbeddingCounters(long embedded, long empty, long cacheHits, long cacheMisses, double cacheHitRate,
    long cacheEvictions, boolean snapshots) {
  static final EmbeddingCounters NONE = new EmbeddingCounters(0, 0, 0, 0, 0, 0, true);

  /** With one more batch: its rows and what the cache did for it. */
  EmbeddingCounters plus(long embedded, long empty, CacheStats batch) {
    long hits = cacheHits + batch.hitCount();
    long misses = cacheMisses + batch.missCount();
    double rate = hits + misses == 0 ? 0 : Math.round((double) hits / (hits + misses) * 10_000) / 10_000.0;
    return new EmbeddingCounters(this.embedded + embedded, this.empty + empty, hits, misses, rate,
        cacheEvictions + batch.evictionCount(), snapshots);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d embedded, %d empty or missing; cache hits %d, misses %d, hit rate %.4f, evictions %d",
        embedded, empty, cacheHits, cacheMisses, cacheHitRate, cacheEvictions);
  }
}
