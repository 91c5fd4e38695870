package io.hal9.migrate.engine.internal.steps.embedding;

import static io.hal9.migrate.engine.spi.Param.Kind.BOOLEAN;
import static io.hal9.migrate.engine.spi.Param.Kind.COLUMN;
import static io.hal9.migrate.engine.spi.Param.Kind.COLUMNS;
import static io.hal9.migrate.engine.spi.Param.Kind.INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.POSITIVE_INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.STRING;
import static io.hal9.migrate.engine.spi.Param.Kind.TABLE;

import io.hal9.migrate.engine.internal.steps.StepTables;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepType;
import io.hal9.migrate.engine.spi.tables.Catalog;
import io.hal9.migrate.engine.spi.tables.SqlNames;
import java.util.List;

/**
 * {@code type: embedding}: (re)computes a text embedding of every row of a table into a vectors table, with
 * all-MiniLM-L6-v2 or HAL9's ngram-hash, in checkpointed batches, then verifies every vector.
 */
public final class EmbeddingStepType implements StepType {
  static final int DEFAULT_NGRAM_DIMENSIONS = 256;

  @Override
  public String name() {
    return "embedding";
  }

  @Override
  public List<Param> params() {
    return Param.batched(256,
        Param.optional("table", TABLE, "neurons"),
        Param.optional("key", COLUMNS, "id"),
        Param.optional("text", STRING, "state.label"),
        Param.required("model", STRING),
        Param.optional("dimensions", POSITIVE_INTEGER, null),
        Param.optional("target", TABLE, "neuron_embeddings"),
        Param.optional("target-key", COLUMNS, "neuron_id"),
        Param.optional("target-column", COLUMN, null),
        Param.optional("keep-previous", BOOLEAN, true),
        Param.tuning("cache-size", INTEGER, 10_000),
        Param.partitions());
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
    if (step.has("target-column") && (step.has("target") || step.has("target-key") || step.node().has("keep-previous"))) {
      problems.report(step, "target-column", "writes vectors into the source rows: leave out 'target', 'target-key' and"
          + " 'keep-previous', which are for a vectors table");
    }
    String column = step.string("text").split("\\.")[0];
    if (!SqlNames.isColumn(column) || step.string("text").matches(".*\\.(\\..*|$)")) {
      problems.report(step, "text", "expected a column, or a column and a dotted path into its JSON (state.label), got '"
          + step.string("text") + "'");
    }
    if (step.longValue("cache-size") < 0) {
      problems.report(step, "cache-size", "must be 0 (no cache) or more (got " + step.longValue("cache-size") + ")");
    }
  }

  @Override
  public void preflight(StepDefinition step, Catalog catalog, Problems problems) {
    Embedder embedder = embedder(step);
    EmbeddingStep.resolve(step, new StepTables(step, catalog, problems), embedder.dimensions(), embedder.model());
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
