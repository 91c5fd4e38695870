package io.hal9.migrate.tools.health;

import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One health gate in a plan: measure, record the measurements, then pass, warn or stop the run. */
final class HealthStep implements Step {
  private static final Logger log = LoggerFactory.getLogger(HealthStep.class);

  private final List<HealthCheck> checks;
  private final boolean warnOnly;

  HealthStep(List<HealthCheck> checks, boolean warnOnly) {
    this.checks = checks;
    this.warnOnly = warnOnly;
  }

  @Override
  public void run(StepContext context) {
    HealthReport report = HealthReport.run(checks, HealthTarget.of(context.dataSource()));
    for (CheckResult result : report.results()) {
      String line = "health {} {}: {}";
      if (result.status() == CheckStatus.FAILED || result.status() == CheckStatus.WARNING) {
        log.warn(line, result.status().label(), result.name(), result.message());
      } else {
        log.info(line, result.status().label(), result.name(), result.message());
      }
    }
    // Recorded before the verdict, so a failed gate's figures stay in its checkpoint.
    context.commit(tx -> Batch.of(null, 0).withCounters(report.toMap()));
    if (!report.failed().isEmpty() && !warnOnly) {
      throw report.failure();
    }
  }

  /** Nothing to undo: a health gate changes nothing, so a rollback passes over it. */
  @Override
  public boolean undoable() {
    return true;
  }

  @Override
  public boolean atomic() {
    return true;
  }

  @Override
  public void undo(StepContext context) {}
}
