package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.engine.api.Status;
import java.util.List;
import java.util.Map;

/** Checks the plan against what the database has applied and, if asked, the pending steps against its schema. */
public final class ValidateCommand {
  private final Engine engine;

  public ValidateCommand(Engine engine) {
    this.engine = engine;
  }

  /** @throws io.hal9.migrate.engine.api.Hal9MigrateException CHECKSUM_MISMATCH or HISTORY_MISMATCH on drift */
  public Status execute() {
    Map<String, StepCheckpoint> checkpoints = engine.store().steps();
    Drift.between(engine.plan(), checkpoints).failIfAny();
    return new StatusCommand(engine).of(checkpoints);
  }

  /**
   * Also checks the pending steps against the live database, as a run does before its first write.
   *
   * @return the ids of pending steps that can only be checked when they run (an earlier one may change the schema)
   * @throws io.hal9.migrate.engine.api.Hal9MigrateException PLAN_INVALID naming each mismatch, or on drift
   */
  public List<String> againstDatabase() {
    Map<String, StepCheckpoint> checkpoints = engine.store().steps();
    Drift.between(engine.plan(), checkpoints).failIfAny();
    return List.copyOf(new Preflight(engine.types(), engine.reads()).upFront(PendingSteps.upTo(engine.plan(), null, checkpoints)));
  }
}
