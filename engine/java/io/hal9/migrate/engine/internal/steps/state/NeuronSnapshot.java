package io.hal9.migrate.engine.internal.steps.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.checkpoints.JsonArrays;
import java.util.List;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** What a neuron-state step keeps of a row it changes, for an exact rollback: its state text, version and layer. */
record NeuronSnapshot(String state, Integer version, String layer) {
  private static final ObjectMapper JSON = new ObjectMapper();

  String json() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JSON object {@link #json} writes, or the array {@link #inDatabase} builds. */
  static NeuronSnapshot parse(String json) {
    try {
      if (json.startsWith("[")) {
        List<String> elements = JsonArrays.elements(json);
        JsonNode layer = JSON.readTree(elements.get(2));
        String version = elements.get(1);
        return new NeuronSnapshot(elements.get(0), version.equals("null") ? null : Integer.valueOf(version),
            layer.isNull() ? null : layer.asText());
      }
      return JSON.readValue(json, NeuronSnapshot.class);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("unreadable neuron snapshot: " + json, e);
    }
  }

  /**
   * The same values, gathered by the database from a jsonb state column: {@code [state, version, layer]}, the
   * document embedded as jsonb prints it (and {@link JsonArrays} hands back exactly), not escaped into a string.
   */
  static Field<?> inDatabase(Field<?> jsonbState, Field<Integer> version, Field<String> layer) {
    return DSL.function("json_build_array", Object.class, jsonbState, version, layer == null ? DSL.castNull(String.class) : layer);
  }
}
