package io.hal9.migrate.tools.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rollout status's view of a bake, read back from the counters a rollout step checkpoints. */
class BakeProgressTest {
  @Test
  void theCheckpointedBakeReadsAsSecondsBakedLeftAndTheReadingsByKind() throws Exception {
    Bake bake = Bake.fresh(4).baked(2_900).looked(Map.of("p99", 1000L), Map.of("error-rate", 0L), 0,
        Map.of("gate p99", "p99 0.02 <= 0.1", "trigger error-rate", "error-rate 0.001 <= 0.01"));
    String counters = new ObjectMapper().writeValueAsString(bake);

    BakeProgress progress = BakeProgress.of(counters, 4 + 60);

    assertThat(progress.bakedSeconds()).isEqualTo(2);
    assertThat(progress.bakeSeconds()).as("the rows of an earlier attempt are not this bake's").isEqualTo(60);
    assertThat(progress.leftSeconds()).isEqualTo(58);
    assertThat(progress.readings()).containsExactly("gate p99 0.02 <= 0.1", "trigger error-rate 0.001 <= 0.01");
  }

  @Test
  void beforeItsFirstCheckpointAStepHasBakedNothing() {
    BakeProgress progress = BakeProgress.of(null, 30);

    assertThat(progress.bakedSeconds()).isZero();
    assertThat(progress.bakeSeconds()).isEqualTo(30);
    assertThat(progress.readings()).isEmpty();
    assertThat(BakeProgress.of("{\"bakedMillis\": 90000, \"rowsBefore\": 0}", 30).leftSeconds()).as("baked over").isZero();
  }
}
