package io.hal9.migrate.engine.internal.steps.embedding;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * HAL9's own hashing embedder (HAL9-REFERENCE.md), so vectors HAL9 already stored can be recomputed exactly:
 * words, neighbouring word pairs and 3-byte windows of each word's UTF-8 bytes, hashed with 64-bit FNV-1a into
 * three regions of the vector (offsets 0, D/4, D/2), squashed with tanh(v / sqrt(word count)), L2-normalised.
 */
public final class NgramHashEmbedder implements Embedder {
  public static final String MODEL = "ngram-hash";
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private final int dimensions;

  public NgramHashEmbedder(int dimensions) {
    if (dimensions < 1) {
      throw new IllegalArgumentException("dimensions must be positive, got " + dimensions);
    }
    this.dimensions = dimensions;
  }

  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public int dimensions() {
    return dimensions;
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    float[][] vectors = new float[texts.size()][];
    IntStream.range(0, texts.size()).parallel().forEach(i -> vectors[i] = embed(texts.get(i)));
    return List.of(vectors);
  }

  /** The vector of one text; the zero vector for text without words. */
  public float[] embed(String text) {
    double[] v = new double[dimensions];
    String trimmed = text.toLowerCase(Locale.ROOT).trim();
    String[] words = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    for (int i = 0; i < words.length; i++) {
      byte[] word = words[i].getBytes(StandardCharsets.UTF_8);
      v[slot(fnv1a(word, 0, word.length), 0)] += 1.0;
      if (i + 1 < words.length) {
        byte[] pair = (words[i] + " " + words[i + 1]).getBytes(StandardCharsets.UTF_8);
        v[slot(fnv1a(pair, 0, pair.length), dimensions / 4)] += 0.7;
      }
      for (int start = 0; start + 3 <= word.length; start++) {
        v[slot(fnv1a(word, start, 3), dimensions / 2)] += 0.5;
      }
    }
    float[] out = new float[dimensions];
    if (words.length == 0) {
      return out;
    }
    double scale = Math.sqrt(words.length);
    double norm = 0;
    for (int d = 0; d < dimensions; d++) {
      v[d] = Math.tanh(v[d] / scale);
      norm += v[d] * v[d];
    }
    norm = Math.sqrt(norm);
    for (int d = 0; d < dimensions; d++) {
      out[d] = (float) (v[d] / norm);
    }
    return out;
  }

  /** (hash mod D + offset) mod D, with the hash taken as unsigned. */
  private int slot(long hash, int offset) {
    return (int) ((Long.remainderUnsigned(hash, dimensions) + offset) % dimensions);
  }

  static long fnv1a(byte[] bytes, int from, int length) {
    long hash = FNV_OFFSET;
    for (int i = from; i < from + length; i++) {
      hash ^= bytes[i] & 0xff;
      hash *= FNV_PRIME;
    }
    return hash;
  }
}
