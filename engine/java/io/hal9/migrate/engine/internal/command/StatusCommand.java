package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.LockHolder;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.engine.api.LockInfo;
import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.api.StepState;
import io.hal9.migrate.engine.api.VersionState;
import io.hal9.migrate.engine.internal.plan.PlanVersion;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every plan version with its steps' checkpoints, and who holds the run lock. Reads only. */
public final class StatusCommand {
  private final Engine engine;

  public StatusCommand(Engine engine) {
    this.engine = engine;
  }

  public Status execute() {
    return of(engine.store().steps());
  }

  Status of(Map<String, StepCheckpoint> checkpoints) {
    List<Status.VersionStatus> versions = new ArrayList<>();
    for (PlanVersion version : engine.plan().versions()) {
      List<Status.StepStatus> steps = new ArrayList<>();
      for (StepDefinition step : version.steps()) {
        StepCheckpoint checkpoint = checkpoints.get(step.id());
        steps.add(checkpoint == null
            ? new Status.StepStatus(step.id(), step.type(), StepState.PENDING, 0, 0, null, null)
            : new Status.StepStatus(step.id(), step.type(), StepState.valueOf(checkpoint.state().name()), checkpoint.rows(),
                checkpoint.attempts(), checkpoint.error(), checkpoint.counters()));
      }
      versions.add(new Status.VersionStatus(version.version().toString(), version.description(),
          VersionState.of(steps.stream().map(Status.StepStatus::state).toList()), steps));
    }
    Optional<LockHolder> holder = engine.store().initialized() ? engine.store().lock().holder() : Optional.empty();
    return new Status(versions, holder.map(StatusCommand::lockInfo));
  }

  static LockInfo lockInfo(LockHolder h) {
    return new LockInfo(h.epoch(), h.runId(), h.host(), h.pid(), h.since(), h.heartbeat(), h.leaseUntil(), h.deadBecause());
  }
}
