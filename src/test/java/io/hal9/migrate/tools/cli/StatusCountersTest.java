package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How {@code status} prints a step's counters as text, whatever their shape (JSON keeps them whole). */
class StatusCountersTest {

  @Test
  void flatCountersAreNameAndValue() {
    assertThat(StatusCommand.counters("{\"migrated\":10,\"skipped\":2,\"rejected\":1}"))
        .hasValue("(migrated 10, skipped 2, rejected 1)");
  }

  @Test
  void nestedObjectsGoInParenthesesAndListsShowTheirLengthAndStatuses() {
    // A scale step's record (the values it replaced), and a health step's measurements.
    assertThat(StatusCommand.counters("{\"deployment\":\"hal9-server\",\"replicas\":10,"
        + "\"requests\":{\"cpu\":\"1500m\",\"memory\":\"3Gi\"},\"limits\":{}}"))
        .hasValue("(deployment hal9-server, replicas 10, requests (cpu 1500m, memory 3Gi), limits ())");
    assertThat(StatusCommand.counters("{\"healthy\":false,\"checks\":[{\"check\":\"disk\",\"status\":\"failed\"},"
        + "{\"check\":\"database\",\"status\":\"ok\"},{\"check\":\"port\",\"status\":\"ok\"}],\"tags\":[\"a\",\"b\"],\"none\":[]}"))
        .hasValue("(healthy false, checks 3 (1 failed, 2 ok), tags 2, none 0)");
  }

  @Test
  void noCountersOrAnEmptyRecordPrintNothing() {
    assertThat(StatusCommand.counters(null)).isEmpty();
    assertThat(StatusCommand.counters("{}")).isEmpty();
  }
}
