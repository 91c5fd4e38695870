package io.hal9.migrate.engine.spi;

/**
 * A user's own state transform for {@code neuron-state} steps ({@code transform: com.example.MyTransform}),
 * run after the step's {@code ops}. The class needs a public no-argument constructor and may be called from
 * several threads at once, so it must keep no per-row state of its own.
 */
public interface NeuronTransform {

  /**
   * Changes {@code neuron} in place. Throw {@link InvalidNeuronException} to reject the row: the step's
   * {@code on-invalid} decides whether that stops the step or records the row in hal9_rejects.
   */
  void apply(Neuron neuron);
}
