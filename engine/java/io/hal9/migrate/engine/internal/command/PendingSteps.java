package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.checkpoints.StepState;
import io.hal9.migrate.engine.internal.plan.Plan;
import io.hal9.migrate.engine.internal.plan.PlanVersion;
import io.hal9.migrate.engine.internal.plan.VersionNumber;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The steps a run up to a version would start or resume, in order: those not done. */
final class PendingSteps {
  private PendingSteps() {}

  static List<StepDefinition> of(PlanVersion version, Map<String, StepCheckpoint> checkpoints) {
    return version.steps().stream().filter(step -> !done(checkpoints.get(step.id()))).toList();
  }

  static List<StepDefinition> upTo(Plan plan, VersionNumber target, Map<String, StepCheckpoint> checkpoints) {
    List<StepDefinition> pending = new ArrayList<>();
    plan.upTo(target).forEach(version -> pending.addAll(of(version, checkpoints)));
    return pending;
  }

  private static boolean done(StepCheckpoint checkpoint) {
    return checkpoint != null && checkpoint.state() == StepState.DONE;
  }
}
