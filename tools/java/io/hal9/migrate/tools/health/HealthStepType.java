package io.hal9.migrate.tools.health;

import static io.hal9.migrate.engine.spi.Param.Kind.BOOLEAN;
import static io.hal9.migrate.engine.spi.Param.Kind.LIST;

import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepType;
import java.util.List;

/**
 * {@code type: health}: runs its {@code checks:} and records every measurement in the step's checkpoint. A
 * failed check stops the run with exit 5 before later steps, unless {@code warn-only: true}.
 */
public final class HealthStepType implements StepType {

  @Override
  public String name() {
    return "health";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.required("checks", LIST), Param.optional("warn-only", BOOLEAN, false));
  }

  @Override
  public void validate(StepDefinition step, Problems problems) {
    checks(step, problems);
  }

  @Override
  public Step create(StepDefinition step) {
    return new HealthStep(checks(step, (s, key, message) -> {
      throw new IllegalStateException(message);
    }), step.bool("warn-only"));
  }

  private static List<HealthCheck> checks(StepDefinition step, Problems problems) {
    return HealthChecks.parse(step.value("checks"), step.planDirectory(), (index, key, message) ->
        problems.report(step, "checks", message));
  }
}
