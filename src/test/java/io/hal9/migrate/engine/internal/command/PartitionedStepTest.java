package io.hal9.migrate.engine.internal.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.checkpoints.Partition;
import io.hal9.migrate.checkpoints.PartitionState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the runner sums its partitions' counters into the step's: no database. */
class PartitionedStepTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void wholeNumbersAreAddedFractionsAveragedByRowsAndAnythingElseKeptFromTheFirstPartition() {
    String sum = PartitionedStep.summed(List.of(
        partition(100, "{\"migrated\": 3, \"skipped\": 1, \"hitRate\": 0.5, \"snapshots\": true, \"model\": \"ngram-hash\"}"),
        partition(300, "{\"migrated\": 4, \"skipped\": 0, \"hitRate\": 0.9, \"snapshots\": false, \"model\": \"other\"}"),
        partition(100, "{\"migrated\": 5, \"rejected\": 2, \"hitRate\": 1}")), null);
    // 0.5 * 100 + 0.9 * 300 + 1.0 * 100 over 500 rows: a rate of the whole step, not a sum of rates.
    assertThat(sum).isEqualTo("{\"migrated\":12,\"skipped\":1,\"hitRate\":0.84,\"snapshots\":true,\"model\":\"ngram-hash\","
        + "\"rejected\":2}");
  }

  @Test
  void partitionsWithoutCountersYetAreLeftOut() {
    String sum = PartitionedStep.summed(List.of(partition(0, null), partition(7, "{\"embedded\": 7}"), partition(0, null),
        partition(2, "{\"embedded\": 1, \"empty\": 1}")), null);
    assertThat(sum).isEqualTo("{\"embedded\":8,\"empty\":1}");
  }

  @Test
  void beforeAnyPartitionCountedTheStepKeepsItsOwn() throws Exception {
    JsonNode before = JSON.readTree("{\"migrated\": 9, \"snapshots\": true}");
    assertThat(JSON.readTree(PartitionedStep.summed(List.of(partition(0, null), partition(0, null)), before))).isEqualTo(before);
    assertThat(JSON.readTree(PartitionedStep.summed(List.of(), before))).isEqualTo(before);
    assertThat(PartitionedStep.summed(List.of(), null)).isNull();
  }

  @Test
  void countersThatAreNotJsonFailClearly() {
    assertThatThrownBy(() -> PartitionedStep.summed(List.of(partition(1, "{\"migrated\": 1}"), partition(1, "not json")), null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("partition counters do not read as JSON");
  }

  private static Partition partition(long rows, String counters) {
    return new Partition("s", 1, false, null, null, PartitionState.DONE, null, rows, rows, counters, 1, null, null, -1, null,
        null, 1, null);
  }
}
