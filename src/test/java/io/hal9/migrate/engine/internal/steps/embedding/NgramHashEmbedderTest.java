package io.hal9.migrate.engine.internal.steps.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** HAL9's ngram-hash embedder, against its specification (HAL9-REFERENCE.md) and vectors worked out by hand. */
class NgramHashEmbedderTest {
  private static final float EPS = 1e-6f;

  /*
   * Working for D = 8 (offsets: pairs D/4 = 2, 3-byte windows D/2 = 4). FNV-1a 64 over UTF-8:
   *   "a"   = 0xaf63dc4c8601ec8c (the published FNV-1a 64 test vector for "a")
   *   "b"   = 0xaf63df4c8601f1a5
   *   "abc" = 0xe71fa2190541574b
   *   "a b" = 0xe63f991904833892
   * hash mod 8 is the low three bits of the last hex digit: "a" c=1100 -> 4, "b" 5 -> 5, "abc" b=1011 -> 3,
   * "a b" 2 -> 2.
   *
   * "a": one word of one byte (no pair, no 3-byte window): v[4] = 1.0; tanh(1.0 / sqrt 1) = 0.761594; normalised
   * alone it is 1.0. Vector: e4.
   *
   * "abc": word -> v[3] += 1.0; its only 3-byte window is "abc" itself, same hash -> (3 + 4) mod 8 = 7,
   * v[7] += 0.5. One word: tanh(1.0) = 0.761594, tanh(0.5) = 0.462117; norm sqrt(0.580026 + 0.213552) = 0.890830;
   * v[3] = 0.854927, v[7] = 0.518749.
   *
   * "A  B" (upper case, two spaces): lower-cased and split on whitespace to "a", "b". Words: v[4] += 1.0,
   * v[5] += 1.0; pair "a b" -> (2 + 2) mod 8 = 4, v[4] += 0.7; one-byte words have no window. Two words:
   * tanh(1.7 / sqrt 2) = tanh(1.202082) = 0.834288, tanh(1.0 / sqrt 2) = tanh(0.707107) = 0.608859;
   * norm sqrt(0.696037 + 0.370710) = 1.032834; v[4] = 0.807766, v[5] = 0.589503.
   */
  @Test
  void vectorsWorkedOutByHandForDimensionEight() {
    NgramHashEmbedder e = new NgramHashEmbedder(8);
    assertThat(e.embed("a")).containsExactly(new float[] {0, 0, 0, 0, 1, 0, 0, 0}, within(EPS));
    assertThat(e.embed("abc")).containsExactly(new float[] {0, 0, 0, 0.854927f, 0, 0, 0, 0.518749f}, within(EPS));
    assertThat(e.embed("A  B")).containsExactly(new float[] {0, 0, 0, 0, 0.807766f, 0.589503f, 0, 0}, within(EPS));
  }

  @Test
  void emptyTextGivesTheZeroVector() {
    NgramHashEmbedder e = new NgramHashEmbedder(8);
    assertThat(e.embed("")).containsOnly(0f).hasSize(8);
    assertThat(e.embed(" \t\n")).containsOnly(0f).hasSize(8);
  }

  @Test
  void sameTextSameVectorEveryTimeAndInBulk() {
    NgramHashEmbedder e = new NgramHashEmbedder(256);
    String text = "route L3 signals to planner";
    float[] once = e.embed(text);
    assertThat(new NgramHashEmbedder(256).embed(text)).containsExactly(once);
    List<float[]> bulk = e.embed(List.of(text, "other words", text));
    assertThat(bulk.get(0)).containsExactly(once);
    assertThat(bulk.get(2)).containsExactly(once);
  }

  @Test
  void dimensionAndUnitNorm() {
    for (int d : new int[] {8, 64, 256, 384}) {
      float[] v = new NgramHashEmbedder(d).embed("watch tasks to planner, then report upstream");
      assertThat(v).hasSize(d);
      assertThat(Vectors.norm(v)).isCloseTo(1.0, within(1e-6));
    }
  }

  @Test
  void similarLabelsScoreHigherThanUnrelatedOnes() {
    NgramHashEmbedder e = new NgramHashEmbedder(256);
    float[] base = e.embed("route L3 signals to planner");
    double close = Vectors.cosine(base, e.embed("route L3 signals to the planner"));
    double related = Vectors.cosine(base, e.embed("route L4 signals to executor"));
    double unrelated = Vectors.cosine(base, e.embed("monthly invoice for coffee beans"));
    assertThat(close).isGreaterThan(related);
    assertThat(related).isGreaterThan(unrelated);
  }

  @Test
  void nonAsciiWordsAreHashedOverTheirUtf8Bytes() {
    NgramHashEmbedder e = new NgramHashEmbedder(64);
    // "é" is two bytes, so "né" has one 3-byte window ("n", 0xc3, 0xa9): a vector unlike that of "ne".
    assertThat(Vectors.norm(e.embed("né"))).isCloseTo(1.0, within(1e-6));
    assertThat(e.embed("né")).isNotEqualTo(e.embed("ne"));
  }
}
