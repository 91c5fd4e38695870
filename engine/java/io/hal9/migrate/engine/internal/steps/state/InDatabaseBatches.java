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
 * a batch's UPDATE, snapshots, rejects and checkpoint share one transaction, as on the Java path.
 */
final class InDatabaseBatches implements BatchPipeline.Batches<RowKey, InDatabaseBatches.Range> {
  private final StepContext context;
  private final StateTable table;
  private final PushdownStatements statements;
  private final NeuronStateStep.Settings settings;
  private StateCounters counters;

  /** The keys in (after, boundary.lastKey], with the rows counted. */
  record Range(RowKey after, PushdownStatements.Boundary boundary) {}

  InDatabaseBatches(StepContext context, StateTable table, StatePushdown pushdown, NeuronStateStep.Settings settings,
      StateCounters counters) {
    this.context = context;
    this.table = table;
    this.statements = new PushdownStatements(table, pushdown, settings, context.snapshots());
    this.settings = settings;
    this.counters = counters;
  }

  @Override
  public Range prepare(RowKey after) {
    PushdownStatements.Boundary boundary = statements.boundary(context.dsl(), after);
    return boundary == null ? null : new Range(after, boundary);
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
    PushdownStatements.Outcome outcome = statements.transform(tx, first, last);
    // Rejected rows are neither changed nor snapshotted; their reasons are only looked for when there are some.
    List<Reject> rejects = outcome.migrated() < outcome.fromRows() ? statements.rejected(tx, first, last) : List.of();
    if (!rejects.isEmpty() && !settings.skipInvalid()) {
      throw NeuronStateStep.invalid(table, table.keys().parse(rejects.get(0).key()), rejects.get(0).reason());
    }
    context.rejects().save(tx, rejects);
    long rows = batch.boundary().rows();
    counters = counters.plus(outcome.migrated(), rows - outcome.fromRows(), rejects.size());
    return new Batch(table.keys().json(last), rows, counters);
  }
}
