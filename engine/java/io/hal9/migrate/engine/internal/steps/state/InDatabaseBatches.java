package io.hal9.migrate.engine.internal.steps.state;

import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.internal.steps.BatchPipeline;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Reject;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Neuron-state batches transformed by the database: the next batch's key range is found while this one is written;
 * a batch's snapshots, UPDATE, rejects and checkpoint share one transaction, as on the Java path.
 */
final class InDatabaseBatches implements BatchPipeline.Batches<RowKey, InDatabaseBatches.Range> {
  private final StepContext context;
  private final StateTable table;
  private final StatePushdown pushdown;
  private final NeuronStateStep.Settings settings;
  private StateCounters counters;

  /** The keys in (after, boundary.lastKey], with the rows counted. */
  record Range(RowKey after, StateTable.Boundary boundary) {}

  InDatabaseBatches(StepContext context, StateTable table, StatePushdown pushdown, NeuronStateStep.Settings settings,
      StateCounters counters) {
    this.context = context;
    this.table = table;
    this.pushdown = pushdown;
    this.settings = settings;
    this.counters = counters;
  }

  @Override
  public Range prepare(RowKey after) {
    StateTable.Boundary boundary = table.boundary(context.dsl(), after, settings.batchSize(), settings.fromVersion());
    return boundary.rows() == 0 ? null : new Range(after, boundary);
  }

  @Override
  public RowKey last(Range batch) {
    return batch.boundary().lastKey();
  }

  @Override
  public Batch write(DSLContext tx, Range batch) {
    RowKey first = batch.after();
    RowKey last = batch.boundary().lastKey();
    Database.of(tx.dialect()).tuneForBatch(tx);
    if (settings.snapshot()) {
      table.snapshotInDatabase(tx, context.snapshots(), first, last, settings.fromVersion());
    }
    int migrated = table.transformInDatabase(tx, pushdown, first, last, settings.fromVersion(), settings.toVersion());
    List<Reject> rejects = migrated < batch.boundary().fromRows()
        ? table.rejectedInDatabase(tx, pushdown, first, last, settings.fromVersion()) : List.of();
    if (!rejects.isEmpty() && !settings.skipInvalid()) {
      throw NeuronStateStep.invalid(table, table.keys().parse(rejects.get(0).key()), rejects.get(0).reason());
    }
    if (settings.snapshot() && !rejects.isEmpty()) {
      // Rejected rows are not changed: no snapshot, or a rollback would overwrite a later fix of the row.
      context.snapshots().remove(tx, rejects.stream().map(Reject::key).toList());
    }
    context.rejects().save(tx, rejects);
    counters = counters.plus(migrated, batch.boundary().rows() - batch.boundary().fromRows(), rejects.size());
    return new Batch(table.keys().json(last), batch.boundary().rows(), counters);
  }
}
