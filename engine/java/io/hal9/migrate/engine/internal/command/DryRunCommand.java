package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.checkpoints.StepState;
import io.hal9.migrate.engine.api.MigrateResult;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.engine.api.StepOutcome;
import io.hal9.migrate.engine.spi.PrometheusQuery;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepPreview;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What a migrate would do, without writing anything (not even the engine's tables); the pending steps are checked
 * against the database as a run would check them first.
 */
public final class DryRunCommand {
  private final Engine engine;

  public DryRunCommand(Engine engine) {
    this.engine = engine;
  }

  public MigrateResult execute() {
    Map<String, StepCheckpoint> checkpoints = engine.store().steps();
    Drift.between(engine.plan(), checkpoints).failIfAny();
    List<StepDefinition> pending = PendingSteps.upTo(engine.plan(), engine.settings().target(), checkpoints);
    new Preflight(engine.types(), engine.reads()).upFront(pending);
    List<StepOutcome> outcomes = pending.stream().map(step -> {
      StepCheckpoint checkpoint = checkpoints.get(step.id());
      boolean resumes = checkpoint != null && checkpoint.state() != StepState.ROLLED_BACK && checkpoint.rows() > 0;
      return new StepOutcome(step.version(), step.id(), step.type(),
          resumes ? StepOutcome.Result.WOULD_RESUME : StepOutcome.Result.WOULD_RUN, resumes ? checkpoint.rows() : 0, Duration.ZERO,
          preview(step));
    }).toList();
    return new MigrateResult(null, true, outcomes, List.of());
  }

  private List<String> preview(StepDefinition step) {
    StepPreview reads = new StepPreview() {
      @Override
      public Routing routing() {
        return Routings.api(engine.store().routing());
      }

      @Override
      public Optional<PrometheusQuery> prometheus() {
        return Optional.ofNullable(engine.settings().prometheus()).map(PrometheusQuery::new);
      }

      @Override
      public DataSource dataSource() {
        return engine.dataSource();
      }
    };
    try {
      return engine.types().get(step.type()).create(step).preview(reads);
    } catch (Exception e) {
      return List.of("cannot preview: " + e.getMessage());
    }
  }
}
