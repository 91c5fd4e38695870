package io.hal9.migrate.engine.spi;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One row as a state transform sees it: its key, its state document (mutable) and its layer. */
public interface Neuron {

  /** The row's key, as text. */
  String key();

  /** The state document; change it in place. Numbers are BigDecimal, so arithmetic is exact. */
  ObjectNode state();

  /** The value of a column of the row that the step reads (such as {@code kind}), as text, or null. */
  String column(String name);

  String layer();

  void layer(String layer);
}
