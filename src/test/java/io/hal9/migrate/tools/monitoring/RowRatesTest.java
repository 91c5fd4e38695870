package io.hal9.migrate.tools.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.api.StepState;
import io.hal9.migrate.engine.api.VersionState;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rows/s between readings of the status, by the database's clock, and their bounded history. */
class RowRatesTest {
  private static final LocalDateTime T0 = LocalDateTime.of(2026, 12, 7, 10, 0);

  @Test
  void aRateNeedsTwoReadingsOfTheRunningStepHalfASecondApartAndGivesTheEta() {
    RowRates rates = new RowRates();
    rates.record(status(0, StepState.RUNNING, 0));
    assertThat(rates.rowsPerSecond(step(StepState.RUNNING, 0))).isNull();
    rates.record(status(200, StepState.RUNNING, 900));
    assertThat(rates.rowsPerSecond(step(StepState.RUNNING, 900))).as("too close to the first: skipped").isNull();
    rates.record(status(1000, StepState.RUNNING, 1000));
    assertThat(rates.rowsPerSecond(step(StepState.RUNNING, 1000))).isEqualTo(1000.0);
    assertThat(rates.etaSeconds(step(StepState.RUNNING, 1000))).isEqualTo(4);
    rates.record(status(2000, StepState.PAUSED, 1000));
    assertThat(rates.rowsPerSecond(step(StepState.PAUSED, 1000))).isZero();
    assertThat(rates.etaSeconds(step(StepState.PAUSED, 1000))).as("no progress, no ETA").isNull();

    rates.record(status(3000, StepState.DONE, 5000));
    assertThat(rates.rowsPerSecond(step(StepState.DONE, 5000))).isNull();
    assertThat(rates.history().get("seed")).extracting(RowRates.Rate::rowsPerSecond).containsExactly(1000.0, 0.0);
  }

  @Test
  void fewerRowsThanBeforeStartAgainAndTheHistoryIsBounded() {
    RowRates rates = new RowRates();
    rates.record(status(0, StepState.RUNNING, 4000));
    rates.record(status(1000, StepState.RUNNING, 100));
    assertThat(rates.history()).isEmpty();
    for (int i = 2; i < RowRates.HISTORY + 10; i++) {
      rates.record(status(i * 1000L, StepState.RUNNING, 100 + (i - 1) * 10L));
    }
    assertThat(rates.history().get("seed")).hasSize(RowRates.HISTORY).allSatisfy(r -> assertThat(r.rowsPerSecond()).isEqualTo(10));
    assertThat(rates.history().get("seed").get(0).at()).isEqualTo(T0.plusSeconds(10));
  }

  private static Status status(long millis, StepState state, long rows) {
    Status.VersionStatus version = new Status.VersionStatus("2", "seed", VersionState.RUNNING, List.of(step(state, rows)));
    return new Status(List.of(version), Optional.empty(), Optional.empty(), T0.plusNanos(millis * 1_000_000));
  }

  private static Status.StepStatus step(StepState state, long rows) {
    return new Status.StepStatus("seed", "neuron-seed", state, rows, 5000, 1, null, null, null, T0, T0, List.of());
  }
}
