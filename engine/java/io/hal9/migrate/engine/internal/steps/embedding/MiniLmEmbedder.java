package io.hal9.migrate.engine.internal.steps.embedding;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.ArrayList;
import java.util.List;

/**
 * all-MiniLM-L6-v2, the ONNX model packaged in langchain4j's jar, run in-process: nothing is downloaded. The
 * model (about 3 s to load and some 500 MB of native memory) is loaded on the first text to embed, once per
 * process; langchain4j spreads each call over the cores.
 */
public final class MiniLmEmbedder implements Embedder {
  public static final String MODEL = "all-minilm-l6-v2";
  public static final int DIMENSIONS = 384;

  /** Class initialisation loads the model: only when a text is first embedded, and only once. */
  private static final class Holder {
    static final EmbeddingModel MODEL = new AllMiniLmL6V2EmbeddingModel();
  }

  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public int dimensions() {
    return DIMENSIONS;
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    List<TextSegment> segments = new ArrayList<>(texts.size());
    texts.forEach(t -> segments.add(TextSegment.from(t)));
    List<Embedding> embeddings = Holder.MODEL.embedAll(segments).content();
    List<float[]> vectors = new ArrayList<>(embeddings.size());
    // The model's pooling already normalises; normalising again pins the norm to 1 whatever its rounding.
    embeddings.forEach(e -> vectors.add(Vectors.normalised(e.vector())));
    return vectors;
  }
}
