package io.hal9.migrate.engine.internal.steps.embedding;

import java.util.List;

/** Turns texts into unit vectors of one model and dimension. Implementations are safe to call from any thread. */
public interface Embedder {

  /** The name stored in the target's {@code model} column. */
  String model();

  int dimensions();

  /** One vector per text, in order; texts are never blank. */
  List<float[]> embed(List<String> texts);

  /** The embedder a step's {@code model} and {@code dimensions} name. */
  static Embedder of(String model, int dimensions) {
    return switch (model) {
      case NgramHashEmbedder.MODEL -> new NgramHashEmbedder(dimensions);
      case MiniLmEmbedder.MODEL -> new MiniLmEmbedder();
      default -> throw new IllegalArgumentException("unknown embedding model '" + model + "'");
    };
  }
}
