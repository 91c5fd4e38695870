package io.hal9.migrate.engine.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the runner sums its partitions' counters into the step's: no database. */
class PartitionedStepTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void numbersAreAddedAndAnythingElseKeptFromTheFirstPartition() {
    String sum = PartitionedStep.summed(List.of(
        "{\"migrated\": 3, \"skipped\": 1, \"seconds\": 0.5, \"snapshots\": true, \"model\": \"ngram-hash\"}",
        "{\"migrated\": 4, \"skipped\": 0, \"seconds\": 1.25, \"snapshots\": false, \"model\": \"other\"}",
        "{\"migrated\": 5, \"rejected\": 2, \"seconds\": 2}"), null);
    assertThat(sum).isEqualTo("{\"migrated\":12,\"skipped\":1,\"seconds\":3.75,\"snapshots\":true,\"model\":\"ngram-hash\",\"rejected\":2}");
  }

  @Test
  void partitionsWithoutCountersYetAreLeftOut() {
    String sum = PartitionedStep.summed(Arrays.asList(null, "{\"embedded\": 7}", null, "{\"embedded\": 1, \"empty\": 1}"), null);
    assertThat(sum).isEqualTo("{\"embedded\":8,\"empty\":1}");
  }

  @Test
  void beforeAnyPartitionCountedTheStepKeepsItsOwn() throws Exception {
    JsonNode before = JSON.readTree("{\"migrated\": 9, \"snapshots\": true}");
    assertThat(JSON.readTree(PartitionedStep.summed(Arrays.asList(null, null), before))).isEqualTo(before);
    assertThat(JSON.readTree(PartitionedStep.summed(List.of(), before))).isEqualTo(before);
    assertThat(PartitionedStep.summed(List.of(), null)).isNull();
  }

  @Test
  void countersThatAreNotJsonFailClearly() {
    assertThatThrownBy(() -> PartitionedStep.summed(List.of("{\"migrated\": 1}", "not json"), null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("partition counters do not read as JSON");
  }
}
