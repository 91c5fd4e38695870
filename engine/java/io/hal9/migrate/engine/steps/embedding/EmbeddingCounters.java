package io.hal9.migrate.engine.steps.embedding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An embedding step's counts, kept in its checkpoint (so {@code status} shows them and a resumed step goes on
 * counting): rows embedded, rows with empty or missing text, and the cache's hits, misses, hit rate and
 * evictions over the committed batches.
 */
final class EmbeddingCounters {
  private static final ObjectMapper JSON = new ObjectMapper();

  private long embedded;
  private long empty;
  private long hits;
  private long misses;
  private long evictions;
  /** False for the counters of a step run before vector snapshots were kept (their rollback differs). */
  private boolean snapshots = true;

  static EmbeddingCounters parse(String json) {
    EmbeddingCounters c = new EmbeddingCounters();
    if (json == null) {
      return c;
    }
    try {
      JsonNode node = JSON.readTree(json);
      c.embedded = node.path("embedded").asLong();
      c.empty = node.path("empty").asLong();
      c.hits = node.path("cacheHits").asLong();
      c.misses = node.path("cacheMisses").asLong();
      c.evictions = node.path("cacheEvictions").asLong();
      c.snapshots = node.path("snapshots").asBoolean(false);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable counters in the checkpoint: " + json, e);
    }
    return c;
  }

  /** Adds one batch: its rows and what the cache did for it. */
  void add(long embedded, long empty, CacheStats batch) {
    this.embedded += embedded;
    this.empty += empty;
    this.hits += batch.hitCount();
    this.misses += batch.missCount();
    this.evictions += batch.evictionCount();
  }

  long embedded() {
    return embedded;
  }

  long empty() {
    return empty;
  }

  boolean snapshots() {
    return snapshots;
  }

  double hitRate() {
    long lookups = hits + misses;
    return lookups == 0 ? 0 : (double) hits / lookups;
  }

  String json() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("embedded", embedded);
    fields.put("empty", empty);
    fields.put("cacheHits", hits);
    fields.put("cacheMisses", misses);
    fields.put("cacheHitRate", Math.round(hitRate() * 10_000) / 10_000.0);
    fields.put("cacheEvictions", evictions);
    fields.put("snapshots", snapshots);
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d embedded, %d empty or missing; cache hits %d, misses %d, hit rate %.4f, evictions %d",
        embedded, empty, hits, misses, hitRate(), evictions);
  }
}
