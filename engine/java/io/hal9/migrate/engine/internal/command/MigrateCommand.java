package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.CheckpointTx;
import io.hal9.migrate.checkpoints.CheckpointWriter;
import io.hal9.migrate.checkpoints.HistoryAction;
import io.hal9.migrate.checkpoints.HistoryEntry;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.checkpoints.StepState;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.MigrateResult;
import io.hal9.migrate.engine.api.StepOutcome;
import io.hal9.migrate.engine.internal.plan.PlanVersion;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies every pending version up to the target, resuming an interrupted step from its cursor. */
public final class MigrateCommand {
  private static final Logger log = LoggerFactory.getLogger(MigrateCommand.class);

  private final Engine engine;

  public MigrateCommand(Engine engine) {
    this.engine = engine;
  }

  /** @throws Hal9MigrateException LOCKED, CHECKSUM_MISMATCH, HISTORY_MISMATCH, ROLLBACK_INCOMPLETE, PLAN_INVALID, STEP_FAILED, LOCK_LOST, STOPPED */
  public MigrateResult execute() {
    Preflight preflight = new Preflight(engine.types(), engine.reads());
    Set<String> checkedLater = preflight.upFront(PendingSteps.upTo(engine.plan(), engine.settings().target(), engine.store().steps()));
    return LockedExecution.run(engine, "run", lease -> {
      // Read once: each step is visited once, so what the run does need not be read back.
      Map<String, StepCheckpoint> checkpoints = engine.store().steps();
      Drift.between(engine.plan(), checkpoints).failIfAny();
      CheckpointWriter writer = engine.store().writer(lease);
      StepRunner runner = new StepRunner(engine, writer, lease.runId());
      Map<String, HistoryAction> lastActions = lastActions(engine.store().history());
      List<StepOutcome> outcomes = new ArrayList<>();
      List<String> applied = new ArrayList<>();
      for (PlanVersion version : engine.plan().upTo(engine.settings().target())) {
        long started = System.nanoTime();
        refuseHalfRolledBack(version, checkpoints);
        List<StepDefinition> pending = PendingSteps.of(version, checkpoints);
        if (pending.isEmpty() && lastActions.get(version.version().toString()) == HistoryAction.APPLY) {
          continue;
        }
        // The version's history line commits with its last step's last checkpoint: one transaction less a version.
        Consumer<CheckpointTx> record = tx -> tx.recorded(HistoryAction.APPLY, version.version().toString(),
            version.description(), version.script(), version.checksum(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        for (int i = 0; i < pending.size(); i++) {
          StepDefinition definition = pending.get(i);
          if (engine.stopRequested()) {
            throw new StopRequested();
          }
          if (checkedLater.contains(definition.id())) {
            preflight.justBefore(definition);
          }
          outcomes.add(runner.apply(definition, checkpoints.get(definition.id()), i == pending.size() - 1 ? record : tx -> {}));
        }
        if (pending.isEmpty()) {
          writer.run(record);
        }
        applied.add(version.version().toString());
        log.info("version {} ({}) applied", version.version(), version.description());
      }
      return new MigrateResult(lease.runId(), false, outcomes, applied);
    });
  }

  private static void refuseHalfRolledBack(PlanVersion version, Map<String, StepCheckpoint> checkpoints) {
    for (StepDefinition definition : version.steps()) {
      StepCheckpoint checkpoint = checkpoints.get(definition.id());
      if (checkpoint != null && checkpoint.state() == StepState.ROLLING_BACK) {
        throw new Hal9MigrateException(ErrorCode.ROLLBACK_INCOMPLETE, "step '" + definition.id() + "' of version "
            + version.version() + " is half rolled back");
      }
    }
  }

  /** Each version's last history action. */
  private static Map<String, HistoryAction> lastActions(List<HistoryEntry> history) {
    Map<String, HistoryAction> last = new HashMap<>();
    history.forEach(entry -> last.put(entry.version(), entry.action()));
    return last;
  }
}
