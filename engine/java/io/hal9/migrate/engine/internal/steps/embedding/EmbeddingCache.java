package io.hal9.migrate.engine.internal.steps.embedding;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Vectors by model and text, bounded to {@code size} entries (Caffeine's size eviction), with statistics. A
 * text repeated within one batch is looked up again after the batch's misses were embedded, so it counts as the
 * hit it would be row by row, and the hit rate does not depend on the batch size.
 */
final class EmbeddingCache {
  private record Key(String model, String text) {}

  private final Cache<Key, float[]> cache;
  private final Embedder embedder;

  EmbeddingCache(Embedder embedder, long size) {
    this.embedder = embedder;
    // Maintenance (evictions) on the calling thread, so a batch's statistics are complete when it returns.
    this.cache = Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).recordStats().build();
  }

  /** The vector of every text, in order, embedding only those the cache lacks (all at once, on all cores). */
  List<float[]> vectors(List<String> texts) {
    Set<Key> first = new LinkedHashSet<>();
    List<Key> keys = new ArrayList<>(texts.size());
    for (String text : texts) {
      keys.add(new Key(embedder.model(), text));
    }
    List<Boolean> repeat = new ArrayList<>(keys.size());
    keys.forEach(k -> repeat.add(!first.add(k)));
    Map<Key, float[]> found = cache.getAll(first, missing -> {
      List<Key> list = new ArrayList<>(missing);
      List<float[]> vectors = embedder.embed(list.stream().map(Key::text).toList());
      Map<Key, float[]> loaded = new java.util.HashMap<>();
      for (int i = 0; i < list.size(); i++) {
        loaded.put(list.get(i), vectors.get(i));
      }
      return loaded;
    });
    List<float[]> out = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      if (repeat.get(i)) {
        cache.getIfPresent(keys.get(i)); // records the hit (or, in a tiny cache, the miss) of a repeated text
      }
      out.add(found.get(keys.get(i)));
    }
    return out;
  }

  /** Caffeine's own meters of this cache ({@code cache_gets_total{cache="embedding",result="hit|miss"}} and more). */
  void monitor(MeterRegistry registry, Iterable<Tag> tags) {
    CaffeineCacheMetrics.monitor(registry, cache, "embedding", tags);
  }

  CacheStats stats() {
    return cache.stats();
  }
}
