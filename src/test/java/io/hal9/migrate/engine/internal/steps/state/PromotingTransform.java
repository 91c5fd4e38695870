package io.hal9.migrate.engine.internal.steps.state;

import io.hal9.migrate.engine.spi.InvalidNeuronException;
import io.hal9.migrate.engine.spi.Neuron;
import io.hal9.migrate.engine.spi.NeuronTransform;

/**
 * A user's transform as neuron-state steps load it ({@code transform: io.hal9.migrate.state.PromotingTransform}):
 * records what it saw, promotes neurons marked so, and rejects those marked as broken.
 */
public class PromotingTransform implements NeuronTransform {
  @Override
  public void apply(Neuron neuron) {
    if (neuron.state().has("broken")) {
      throw new InvalidNeuronException("PromotingTransform refuses: " + neuron.state().get("broken").asText());
    }
    neuron.state().put("transformed_key", neuron.key());
    if (neuron.state().has("activation")) {
      // What the ops left: the transform runs after them.
      neuron.state().set("seen_activation", neuron.state().get("activation"));
    }
    if (neuron.state().path("promote").asBoolean()) {
      neuron.layer("L4");
    }
  }
}
