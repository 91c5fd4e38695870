package io.hal9.migrate.engine.internal.steps.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.spi.Neuron;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.Map;

/** One row read by a neuron-state batch, as ops and transforms see it. */
final class StateRow implements Neuron {
  private final RowKey key;
  final String oldState;
  final Integer oldVersion;
  final String oldLayer;
  private final Map<String, String> columns;
  private ObjectNode state;
  private String layer;

  StateRow(RowKey key, String oldState, Integer oldVersion, String oldLayer, Map<String, String> columns) {
    this.key = key;
    this.oldState = oldState;
    this.oldVersion = oldVersion;
    this.oldLayer = oldLayer;
    this.columns = columns;
    this.layer = oldLayer;
  }

  void state(ObjectNode state) {
    this.state = state;
  }

  RowKey rowKey() {
    return key;
  }

  @Override
  public String key() {
    return key.toString();
  }

  @Override
  public ObjectNode state() {
    return state;
  }

  @Override
  public String column(String name) {
    return columns.get(name);
  }

  @Override
  public String layer() {
    return layer;
  }

  @Override
  public void layer(String layer) {
    this.layer = layer;
  }
}
