package io.hal9.migrate.engine.steps.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

/** A neuron-state step's counts, kept in its checkpoint: migrated, skipped (other version) and rejected rows. */
final class Counters {
  private long migrated;
  private long skipped;
  private long rejected;

  static Counters parse(String json) {
    Counters counters = new Counters();
    if (json == null) {
      return counters;
    }
    try {
      JsonNode node = StateTransform.JSON.readTree(json);
      counters.migrated = node.path("migrated").asLong();
      counters.skipped = node.path("skipped").asLong();
      counters.rejected = node.path("rejected").asLong();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable counters in the checkpoint: " + json, e);
    }
    return counters;
  }

  void add(long migrated, long skipped, long rejected) {
    this.migrated += migrated;
    this.skipped += skipped;
    this.rejected += rejected;
  }

  String json() {
    return "{\"migrated\":" + migrated + ",\"skipped\":" + skipped + ",\"rejected\":" + rejected + "}";
  }
}
