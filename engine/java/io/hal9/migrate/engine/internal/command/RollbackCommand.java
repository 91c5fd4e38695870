package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.CheckpointWriter;
import io.hal9.migrate.checkpoints.Event;
import io.hal9.migrate.checkpoints.EventType;
import io.hal9.migrate.checkpoints.HistoryAction;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.RollbackResult;
import io.hal9.migrate.engine.internal.plan.PlanVersion;
import io.hal9.migrate.engine.internal.plan.VersionNumber;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Undoes every applied version after the target, newest first, each step in reverse order. Refuses before touching
 * anything when one of those steps has no undo.
 */
public final class RollbackCommand {
  private final Engine engine;
  private final VersionNumber target;

  public RollbackCommand(Engine engine, VersionNumber target) {
    this.engine = engine;
    this.target = target;
  }

  /** @throws Hal9MigrateException ROLLBACK_REFUSED, LOCKED, CHECKSUM_MISMATCH, HISTORY_MISMATCH, STEP_FAILED, LOCK_LOST */
  public RollbackResult execute() {
    return LockedExecution.run(engine, "rollback", lease -> {
      Map<String, StepCheckpoint> checkpoints = engine.store().steps();
      Drift.between(engine.plan(), checkpoints).failIfAny();
      List<PlanVersion> versions = new ArrayList<>(engine.plan().versions().stream()
          .filter(v -> v.version().compareTo(target) > 0).toList());
      java.util.Collections.reverse(versions);
      Map<String, Step> steps = created(versions, checkpoints);
      CheckpointWriter writer = engine.store().writer(lease);
      StepRunner runner = new StepRunner(engine, writer, lease.runId());
      List<String> undoneVersions = new ArrayList<>();
      List<String> undoneSteps = new ArrayList<>();
      writer.run(tx -> tx.event(Event.ofRun(EventType.ROLLBACK_STARTED, "rollback to version " + target + ": "
          + steps.size() + " steps to undo")));
      for (PlanVersion version : versions) {
        long started = System.nanoTime();
        List<StepDefinition> applied = applied(version, checkpoints);
        if (applied.isEmpty()) {
          continue;
        }
        for (StepDefinition definition : applied) {
          runner.undo(definition, steps.get(definition.id()), checkpoints.get(definition.id()));
          undoneSteps.add(definition.id());
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        writer.run(tx -> tx.recorded(HistoryAction.ROLLBACK, version.version().toString(), version.description(),
            version.script(), version.checksum(), millis));
        undoneVersions.add(version.version().toString());
      }
      writer.run(tx -> tx.event(Event.ofRun(EventType.ROLLBACK_FINISHED, "rolled back to version " + target + ": versions "
          + String.join(", ", undoneVersions) + " undone (" + undoneSteps.size() + " steps)")));
      return new RollbackResult(target.toString(), undoneVersions, undoneSteps);
    });
  }

  /** The steps to undo, by id, once each has been found to have an undo. */
  private Map<String, Step> created(List<PlanVersion> versions, Map<String, StepCheckpoint> checkpoints) {
    Map<String, Step> steps = new HashMap<>();
    List<String> refusals = new ArrayList<>();
    for (PlanVersion version : versions) {
      for (StepDefinition definition : applied(version, checkpoints)) {
        Step step = engine.type(definition.type()).create(definition);
        steps.put(definition.id(), step);
        if (!step.undoable()) {
          refusals.add(definition.where() + " (" + definition.type() + ", " + checkpoints.get(definition.id()).state().label()
              + ") has no undo");
        }
      }
    }
    if (!refusals.isEmpty()) {
      throw new Hal9MigrateException(ErrorCode.ROLLBACK_REFUSED, "cannot roll back to " + target + ": " + refusals.get(0)
          + (refusals.size() > 1 ? " (and " + (refusals.size() - 1) + " more)" : "") + "; nothing was changed", refusals, null);
    }
    return steps;
  }

  /** The version's steps that left something to undo, last first. */
  private static List<StepDefinition> applied(PlanVersion version, Map<String, StepCheckpoint> checkpoints) {
    List<StepDefinition> applied = new ArrayList<>(version.steps().stream().filter(step -> {
      StepCheckpoint checkpoint = checkpoints.get(step.id());
      return checkpoint != null && checkpoint.applied();
    }).toList());
    java.util.Collections.reverse(applied);
    return applied;
  }
}
