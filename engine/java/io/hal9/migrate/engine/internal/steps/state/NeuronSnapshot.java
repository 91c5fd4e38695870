package io.hal9.migrate.engine.internal.steps.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.jooq.Field;
import org.jooq.impl.DSL;

/** What a neuron-state step keeps of a row it changes, for an exact rollback: its state text, version and layer. */
record NeuronSnapshot(String state, Integer version, String layer) {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Numbers as their digits, never doubles: a document jsonb printed reads back as the same jsonb value (which has
   * no formatting of its own to keep).
   */
  private static final ObjectMapper EXACT = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

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
        JsonNode array = EXACT.readTree(json);
        JsonNode version = array.get(1);
        JsonNode layer = array.get(2);
        return new NeuronSnapshot(EXACT.writeValueAsString(array.get(0)), version.isNull() ? null : version.intValue(),
            layer.isNull() ? null : layer.asText());
      }
      return JSON.readValue(json, NeuronSnapshot.class);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("unreadable neuron snapshot: " + json, e);
    }
  }

  /**
   * The same values, gathered by the database from a jsonb state column: {@code [state, version, layer]}, the
   * document embedded as jsonb prints it, not escaped into a string.
   */
  static Field<?> inDatabase(Field<?> jsonbState, Field<Integer> version, Field<String> layer) {
    Field<String> layerOrNull = layer == null ? DSL.castNull(String.class) : layer;
    return DSL.function("json_build_array", Object.class, jsonbState, version, layerOrNull);
  }
}
