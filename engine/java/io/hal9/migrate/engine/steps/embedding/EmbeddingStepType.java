package io.hal9.migrate.engine.steps.embedding;

import static io.hal9.migrate.engine.spi.Param.Kind.BOOLEAN;
import static io.hal9.migrate.engine.spi.Param.Kind.IDENTIFIER;
import static io.hal9.migrate.engine.spi.Param.Kind.INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.POSITIVE_INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.STRING;

import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepType;
import java.util.List;

/**
 * {@code type: embedding}: (re)computes a text embedding of every row of a table into a vectors table, with
 * all-MiniLM-L6-v2 or HAL9's ngram-hash, in checkpointed batches, then verifies every vector.
 */
public final class EmbeddingStepType implements StepType {
  static final int DEFAULT_NGRAM_DIMENSIONS = 256;
  private static final String NAME = "[A-Za-z_][A-Za-z0-9_]{0,62}";

  @Override
  public String name() {
    return "embedding";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.optional("table", IDENTIFIER, "neurons"),
        Param.optional("key", IDENTIFIER, "id"),
        Param.optional("text", STRING, "state.label"),
        Param.required("model", STRING),
        Param.optional("dimensions", POSITIVE_INTEGER, null),
        Param.optional("target", IDENTIFIER, "neuron_embeddings"),
        Param.optional("keep-previous", BOOLEAN, true),
        Param.batchSize(256),
        Param.tuning("cache-size", INTEGER, 10_000));
  }

  @Override
  public void validate(StepDefinition step, Problems problems) {
    String model = step.string("model");
    if (!model.equals(NgramHashEmbedder.MODEL) && !model.equals(MiniLmEmbedder.MODEL)) {
      problems.report(step, "model", "expected " + MiniLmEmbedder.MODEL + " or " + NgramHashEmbedder.MODEL + ", got '" + model + "'");
    } else if (model.equals(MiniLmEmbedder.MODEL) && step.has("dimensions") && step.longValue("dimensions") != MiniLmEmbedder.DIMENSIONS) {
      problems.report(step, "dimensions", MiniLmEmbedder.MODEL + " has " + MiniLmEmbedder.DIMENSIONS
          + " dimensions; leave 'dimensions' out (got " + step.longValue("dimensions") + ")");
    }
    if (step.has("dimensions") && step.longValue("dimensions") > 16_384) {
      problems.report(step, "dimensions", "at most 16384 (got " + step.longValue("dimensions") + ")");
    }
    if (!step.string("text").matches(NAME + "(\\." + "[^.]+)*")) {
      problems.report(step, "text", "expected a column, or a column and a dotted path into its JSON (state.label), got '"
          + step.string("text") + "'");
    }
    if (step.longValue("cache-size") < 0) {
      problems.report(step, "cache-size", "must be 0 (no cache) or more (got " + step.longValue("cache-size") + ")");
    }
  }

  @Override
  public Step create(StepDefinition step) {
    return new EmbeddingStep(step, embedder(step));
  }

  static Embedder embedder(StepDefinition step) {
    String model = step.string("model");
    int dimensions = step.has("dimensions") ? step.intValue("dimensions")
        : model.equals(MiniLmEmbedder.MODEL) ? MiniLmEmbedder.DIMENSIONS : DEFAULT_NGRAM_DIMENSIONS;
    return Embedder.of(model, dimensions);
  }
}
