package io.hal9.migrate.tools.health;

import io.hal9.migrate.engine.api.Checkpoints;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.StepState;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * No step may sit running (or rolling back) without checkpoint progress for longer than
 * {@code max-lag-seconds}: its runner is stalled or dead. Times are compared on the database's clock, the one
 * checkpoints are written with.
 */
final class CheckpointLagCheck implements HealthCheck {
  private final int maxLagSeconds;

  CheckpointLagCheck(CheckEntry entry) {
    maxLagSeconds = entry.integer("max-lag-seconds", 300, 1, 31_536_000, "seconds");
  }

  @Override
  public String kind() {
    return "checkpoint-lag";
  }

  @Override
  public CheckResult run(HealthTarget target) {
    Map<String, Object> limits = Measures.of("maxLagSeconds", maxLagSeconds);
    try {
      Checkpoints store = Checkpoints.of(target.dataSource());
      if (!store.initialized()) {
        return new CheckResult(kind(), "", CheckStatus.SKIPPED, "no checkpoints: no run has used this database",
            Measures.of("active", 0), limits);
      }
      LocalDateTime now = store.now();
      long worst = 0;
      List<String> active = new ArrayList<>();
      List<String> stalled = new ArrayList<>();
      for (Checkpoints.StepRecord step : store.steps()) {
        if (step.state() != StepState.RUNNING && step.state() != StepState.ROLLING_BACK) {
          continue;
        }
        long lag = Math.max(0, Duration.between(step.updatedAt(), now).toSeconds());
        worst = Math.max(worst, lag);
        String line = "step '" + step.id() + "' (version " + step.version() + ", " + step.state().label() + ") "
            + lag + " s since its last checkpoint";
        active.add(line);
        if (lag > maxLagSeconds) {
          stalled.add(line);
        }
      }
      Map<String, Object> measured = Measures.of("active", active.size(), "maxLagSeconds", worst, "steps", active);
      if (!stalled.isEmpty()) {
        return new CheckResult(kind(), "", CheckStatus.FAILED, String.join("; ", stalled) + " > max " + maxLagSeconds
            + " s: its runner is stalled or dead", measured, limits);
      }
      String message = active.isEmpty() ? "no step running" : "longest " + worst + " s since a checkpoint <= max " + maxLagSeconds + " s";
      return new CheckResult(kind(), "", CheckStatus.OK, message, measured, limits);
    } catch (RuntimeException e) {
      return new CheckResult(kind(), "", CheckStatus.FAILED, "cannot read checkpoints: " + Hal9MigrateException.oneLine(e.getMessage()),
          Measures.of(), limits);
    }
  }
}
