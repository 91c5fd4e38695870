package io.hal9.migrate.engine.internal.steps.state;

import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.internal.steps.BatchPipeline;
import io.hal9.migrate.engine.internal.steps.SnapshotUndo;
import io.hal9.migrate.engine.internal.steps.StepTables;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.InvalidNeuronException;
import io.hal9.migrate.engine.spi.NeuronTransform;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.tables.BatchedTable;
import io.hal9.migrate.engine.spi.tables.Catalog;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * Runs a neuron-state step through the batch pipeline: its ops in Java ({@link JavaBatches}) or, where the database
 * can, inside it ({@link InDatabaseBatches}); its undo from the snapshots.
 */
final class NeuronStateStep implements Step {
  private final StepDefinition step;
  private final List<StateOps.Op> ops;
  private final NeuronTransform custom;
  private final StateTransform transform;
  private final Settings settings;

  /** What the step's keys say about how each batch is done. */
  record Settings(int batchSize, int fromVersion, int toVersion, boolean snapshot, boolean skipInvalid) {}

  NeuronStateStep(StepDefinition step, List<StateOps.Op> ops, NeuronTransform custom) {
    this.step = step;
    this.ops = ops;
    this.custom = custom;
    this.transform = new StateTransform(ops, custom);
    this.settings = new Settings(step.intValue("batch-size"), step.intValue("from-version"), step.intValue("to-version"),
        step.bool("snapshot"), step.string("on-invalid").equals("skip"));
  }

  @Override
  public void run(StepContext context) throws Exception {
    StateTable table = table(context.dsl(), context.upTo());
    StateCounters counters = Optional.ofNullable(context.counters(StateCounters.class)).orElse(StateCounters.NONE);
    RowKey start = table.keys().parse(context.cursor());
    Optional<StatePushdown> pushdown = pushdown(context, table);
    BatchPipeline.Batches<RowKey, ?> batches = pushdown.isPresent()
        ? new InDatabaseBatches(context, table, pushdown.get(), settings, counters)
        : new JavaBatches(context, table, transform, settings, counters);
    BatchPipeline.run(context, start, batches, () -> (long) context.dsl().fetchCount(table.table()));
  }

  @Override
  public Optional<BatchedTable> batchedTable(DSLContext dsl) {
    StateTable table = table(dsl, null);
    return Optional.of(new BatchedTable(table.table(), table.keys()));
  }

  /**
   * The ops run inside the database when it can run them on its JSON type, the state column is of that type, no
   * custom transform is set and every op has an exact SQL form; otherwise in Java.
   */
  private Optional<StatePushdown> pushdown(StepContext context, StateTable table) {
    if (!Database.of(context.dialect()).transformsJsonInDatabase() || !table.jsonb() || custom != null
        || !step.bool("pushdown")) {
      return Optional.empty();
    }
    return StatePushdown.of(ops);
  }

  static InvalidNeuronException invalid(StateTable table, RowKey key, String reason) {
    return new InvalidNeuronException("row " + table.describe(key) + ": " + reason
        + " (on-invalid: fail; use on-invalid: skip to record such rows in hal9_rejects and go on)");
  }

  @Override
  public boolean undoable() {
    return settings.snapshot();
  }

  /** Restores every row the step changed from its snapshots, then clears its rejects. */
  @Override
  public void undo(StepContext context) throws Exception {
    StateTable table = table(context.dsl(), null);
    SnapshotUndo.run(context, settings.batchSize(), table::restore);
    context.complete(tx -> {
      context.rejects().clear(tx);
      return Batch.of(null, 0);
    });
  }

  /** @param upTo where a partition's keys end, or null */
  private StateTable table(DSLContext dsl, String upTo) {
    return StateTable.resolve(step, ops, custom != null, new StepTables(step, Catalog.of(dsl), StepTables.failing()).upTo(upTo))
        .orElseThrow();
  }
}
