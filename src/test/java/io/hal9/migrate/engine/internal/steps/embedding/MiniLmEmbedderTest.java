package io.hal9.migrate.engine.internal.steps.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real all-MiniLM-L6-v2 model, in-process from its jar; loaded once for the class (about 3 s). */
class MiniLmEmbedderTest {
  private static MiniLmEmbedder model;
  private static List<float[]> vectors;

  @BeforeAll
  static void embedOnce() {
    model = new MiniLmEmbedder();
    vectors = model.embed(List.of(
        "The neuron routes sensor signals to the planner.",
        "The neuron routes sensor signals to the planner.",
        "This unit forwards sensor readings to the planning component.",
        "Bake the bread for forty minutes at two hundred degrees."));
  }

  @Test
  void dimension384AndUnitNorm() {
    assertThat(model.dimensions()).isEqualTo(384);
    for (float[] v : vectors) {
      assertThat(v).hasSize(384);
      assertThat(Vectors.norm(v)).isCloseTo(1.0, within(1e-3));
    }
  }

  @Test
  void identicalSentencesGiveIdenticalVectors() {
    assertThat(vectors.get(1)).containsExactly(vectors.get(0));
    assertThat(model.embed(List.of("The neuron routes sensor signals to the planner.")).get(0)).containsExactly(vectors.get(0));
  }

  @Test
  void aParaphraseIsCloserThanAnUnrelatedSentence() {
    double paraphrase = Vectors.cosine(vectors.get(0), vectors.get(2));
    double unrelated = Vectors.cosine(vectors.get(0), vectors.get(3));
    assertThat(paraphrase).isGreaterThan(unrelated + 0.3);
  }
}
