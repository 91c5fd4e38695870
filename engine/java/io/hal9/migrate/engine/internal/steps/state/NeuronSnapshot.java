package io.hal9.migrate.engine.internal.steps.state;

import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.jsonObject;
import static org.jooq.impl.DSL.key;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jooq.Field;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

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

  static NeuronSnapshot parse(String json) {
    try {
      return JSON.readValue(json, NeuronSnapshot.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable neuron snapshot: " + json, e);
    }
  }

  /** The same document, built by the database from the row's columns. */
  static Field<String> inDatabase(Field<String> stateText, Field<Integer> version, Field<String> layer) {
    return jsonObject(key(inline("state")).value(stateText.cast(SQLDataType.VARCHAR)), key(inline("version")).value(version),
        key(inline("layer")).value(layer == null ? DSL.castNull(String.class) : layer)).cast(SQLDataType.VARCHAR);
  }
}
