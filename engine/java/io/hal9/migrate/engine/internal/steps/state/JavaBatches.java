package io.hal9.migrate.engine.internal.steps.state;

import io.hal9.migrate.engine.internal.steps.BatchPipeline;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.InvalidNeuronException;
import io.hal9.migrate.engine.spi.Reject;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.jooq.DSLContext;

/**
 * Neuron-state batches transformed in Java: each is read and transformed on all cores while the one before is
 * written; a batch's UPDATE, snapshots, rejects and checkpoint share one transaction.
 */
final class JavaBatches implements BatchPipeline.Batches<RowKey, JavaBatches.Prepared> {
  private final StepContext context;
  private final StateTable table;
  private final StateTransform transform;
  private final NeuronStateStep.Settings settings;
  private StateCounters counters;

  /** A batch read and transformed: the rows to write with their new states, the rejected, the others' count. */
  record Prepared(List<StateRow> migrated, List<String> newStates, List<Reject> rejects, long skipped, RowKey lastKey,
      int rowsRead) {}

  JavaBatches(StepContext context, StateTable table, StateTransform transform, NeuronStateStep.Settings settings,
      StateCounters counters) {
    this.context = context;
    this.table = table;
    this.transform = transform;
    this.settings = settings;
    this.counters = counters;
  }

  @Override
  public Prepared prepare(RowKey after) {
    List<StateRow> rows = table.read(context.dsl(), after, settings.batchSize(), settings.fromVersion());
    if (rows.isEmpty()) {
      return null;
    }
    String[] newStates = new String[rows.size()];
    String[] reasons = new String[rows.size()];
    IntStream.range(0, rows.size()).parallel().forEach(i -> {
      StateRow row = rows.get(i);
      if (row.oldVersion == null || row.oldVersion != settings.fromVersion()) {
        return;
      }
      try {
        newStates[i] = transform.apply(row);
      } catch (InvalidNeuronException e) {
        reasons[i] = e.getMessage();
      }
    });
    List<StateRow> migrated = new ArrayList<>();
    List<String> states = new ArrayList<>();
    List<Reject> rejects = new ArrayList<>();
    long skipped = 0;
    for (int i = 0; i < rows.size(); i++) {
      StateRow row = rows.get(i);
      if (reasons[i] != null) {
        if (!settings.skipInvalid()) {
          throw NeuronStateStep.invalid(table, row.rowKey(), reasons[i]);
        }
        rejects.add(new Reject(table.keys().json(row.rowKey()), reasons[i]));
      } else if (newStates[i] != null) {
        migrated.add(row);
        states.add(newStates[i]);
      } else {
        skipped++;
      }
    }
    return new Prepared(migrated, states, rejects, skipped, rows.get(rows.size() - 1).rowKey(), rows.size());
  }

  @Override
  public RowKey last(Prepared batch) {
    return batch.lastKey();
  }

  @Override
  public Batch write(DSLContext tx, Prepared batch) {
    table.update(tx, batch.migrated(), batch.newStates(), settings.toVersion());
    if (settings.snapshot()) {
      context.snapshots().save(tx, table.snapshots(batch.migrated()));
    }
    context.rejects().save(tx, batch.rejects());
    counters = counters.plus(batch.migrated().size(), batch.skipped(), batch.rejects().size());
    return new Batch(table.keys().json(batch.lastKey()), batch.rowsRead(), counters);
  }
}
