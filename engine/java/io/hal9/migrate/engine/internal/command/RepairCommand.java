package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.Event;
import io.hal9.migrate.checkpoints.EventType;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.engine.api.RepairResult;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.util.ArrayList;
import java.util.List;

/** Realigns the database's record with the plans: accepts edited steps and/or forgets removed ones. */
public final class RepairCommand {
  private final Engine engine;
  private final boolean acceptChanged;
  private final boolean forgetMissing;

  public RepairCommand(Engine engine, boolean acceptChanged, boolean forgetMissing) {
    this.engine = engine;
    this.acceptChanged = acceptChanged;
    this.forgetMissing = forgetMissing;
  }

  public RepairResult execute() {
    return LockedExecution.run(engine, "repair", lease -> {
      Drift drift = Drift.between(engine.plan(), engine.store().steps());
      List<String> accepted = new ArrayList<>();
      List<String> forgotten = new ArrayList<>();
      List<String> changedLeft = new ArrayList<>();
      List<String> missingLeft = new ArrayList<>();
      engine.store().writer(lease).run(tx -> {
        for (StepDefinition step : drift.changed()) {
          if (acceptChanged) {
            tx.checksumAccepted(step.id(), step.checksum());
            accepted.add(step.id());
          } else {
            changedLeft.add(step.id());
          }
        }
        for (StepCheckpoint missing : drift.missing()) {
          if (forgetMissing) {
            tx.forgotten(missing.stepId());
            forgotten.add(missing.stepId());
          } else {
            missingLeft.add(missing.stepId());
          }
        }
        if (!accepted.isEmpty() || !forgotten.isEmpty()) {
          tx.event(Event.ofRun(EventType.REPAIRED, (accepted.isEmpty() ? "" : "accepted the edits of " + String.join(", ", accepted))
              + (accepted.isEmpty() || forgotten.isEmpty() ? "" : "; ")
              + (forgotten.isEmpty() ? "" : "forgot " + String.join(", ", forgotten))));
        }
      });
      return new RepairResult(accepted, forgotten, changedLeft, missingLeft);
    });
  }
}
