package io.hal9.migrate.engine.steps.state;

import io.hal9.migrate.checkpoints.RowData;
import io.hal9.migrate.checkpoints.RowSnapshot;
import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.InvalidNeuronException;
import io.hal9.migrate.engine.spi.NeuronTransform;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.steps.StepTables;
import io.hal9.migrate.engine.tables.Catalog;
import io.hal9.migrate.engine.tables.RowKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/**
 * Runs a neuron-state step. While one batch is written (its UPDATE, snapshots, rejects and checkpoint in one
 * transaction), the next one is read and transformed on the other threads, so JSON work and database writes
 * overlap; the checkpoint still moves one committed batch at a time.
 */
final class NeuronStateStep implements Step {
  private final StepDefinition step;
  private final List<StateOps.Op> ops;
  private final NeuronTransform custom;
  private final StateTransform transform;
  private final int batchSize;
  private final int fromVersion;
  private final int toVersion;
  private final boolean snapshot;
  private final boolean skipInvalid;

  NeuronStateStep(StepDefinition step, List<StateOps.Op> ops, NeuronTransform custom) {
    this.step = step;
    this.ops = ops;
    this.custom = custom;
    this.transform = new StateTransform(ops, custom);
    this.batchSize = step.intValue("batch-size");
    this.fromVersion = step.intValue("from-version");
    this.toVersion = step.intValue("to-version");
    this.snapshot = step.bool("snapshot");
    this.skipInvalid = step.string("on-invalid").equals("skip");
  }

  /** A batch read and transformed, ready to write. */
  private record Prepared(List<StateRow> migrated, List<String> newStates, List<String[]> rejects, long skipped,
      RowKey lastKey, int rowsRead) {}

  @Override
  public void run(StepContext context) throws Exception {
    StateTable table = table(context.dsl());
    Counters counters = Counters.parse(context.counters());
    ExecutorService reader = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "hal9-state-reader");
      t.setDaemon(true);
      return t;
    });
    try {
      // The total is for progress and ETA only; counting must not delay the first batch of a resumed step.
      reader.submit(() -> context.expect(context.dsl().fetchCount(table.table())));
      Optional<StatePushdown> pushdown = pushdown(context, table);
      if (pushdown.isPresent()) {
        runInDatabase(context, table, pushdown.get(), counters, reader);
        return;
      }
      RowKey cursor = table.keys().parse(context.cursor());
      Future<Prepared> next = reader.submit(() -> prepare(context.dsl(), table, cursor));
      while (true) {
        Prepared batch = await(next);
        if (batch.rowsRead() == 0) {
          return;
        }
        next = reader.submit(() -> prepare(context.dsl(), table, batch.lastKey()));
        counters.add(batch.migrated().size(), batch.skipped(), batch.rejects().size());
        String json = counters.json();
        context.commit(tx -> {
          table.update(tx, batch.migrated(), batch.newStates(), toVersion);
          if (snapshot) {
            RowData.snapshotted(tx, step.id(), table.snapshots(batch.migrated()));
          }
          RowData.rejected(tx, step.id(), batch.rejects());
          return new Batch(table.keys().json(batch.lastKey()), batch.rowsRead(), json);
        });
      }
    } finally {
      reader.shutdownNow();
    }
  }

  /**
   * The ops run inside PostgreSQL when the state column is JSONB, no custom transform is set and every op
   * has an exact SQL form; otherwise (H2, text columns, transforms) in Java.
   */
  private Optional<StatePushdown> pushdown(StepContext context, StateTable table) {
    if (context.dialect() != SQLDialect.POSTGRES || !table.jsonb() || custom != null || !step.bool("pushdown")) {
      return Optional.empty();
    }
    return StatePushdown.of(ops);
  }

  /**
   * Batches transformed by the database: the next batch's boundary is found while this one is written; the
   * batch's snapshots, UPDATE, rejects and checkpoint share one transaction, as on the Java path.
   */
  private void runInDatabase(StepContext context, StateTable table, StatePushdown pushdown, Counters counters,
      ExecutorService reader) throws Exception {
    RowKey start = table.keys().parse(context.cursor());
    Future<StateTable.Boundary> next = reader.submit(() -> table.boundary(context.dsl(), start, batchSize, fromVersion));
    RowKey after = start;
    while (true) {
      StateTable.Boundary batch = await(next);
      if (batch.rows() == 0) {
        return;
      }
      RowKey first = after;
      RowKey last = batch.lastKey();
      next = reader.submit(() -> table.boundary(context.dsl(), last, batchSize, fromVersion));
      context.commit(tx -> {
        // The planner prices the chain high on a big table and would JIT-compile every batch's statements,
        // which costs far more (half a second) than running them on a thousand rows. And it may estimate a key
        // range at one row (UUIDs in one histogram bucket) and join the chain to the table in a nested loop that
        // computes the whole chain again for each row: 2.5 s a batch instead of 5 ms.
        tx.execute("SET LOCAL jit = off");
        tx.execute("SET LOCAL enable_nestloop = off");
        if (snapshot) {
          table.snapshotInDatabase(tx, step.id(), first, last, fromVersion);
        }
        int migrated = table.transformInDatabase(tx, pushdown, first, last, fromVersion, toVersion);
        List<StateTable.Rejected> rejects = migrated < batch.fromRows()
            ? table.rejectedInDatabase(tx, pushdown, first, last, fromVersion) : List.of();
        if (!rejects.isEmpty() && !skipInvalid) {
          throw invalid(table, table.keys().parse(rejects.get(0).key()), rejects.get(0).reason());
        }
        if (snapshot && !rejects.isEmpty()) {
          // Rejected rows are not changed: no snapshot, or a rollback would overwrite a later fix of the row.
          RowData.snapshotsRemoved(tx, step.id(), rejects.stream().map(StateTable.Rejected::key).toList());
        }
        RowData.rejected(tx, step.id(), rejects.stream().map(r -> new String[] {r.key(), r.reason()}).toList());
        counters.add(migrated, batch.rows() - batch.fromRows(), rejects.size());
        return new Batch(table.keys().json(last), batch.rows(), counters.json());
      });
      after = last;
    }
  }

  private static InvalidNeuronException invalid(StateTable table, RowKey key, String reason) {
    return new InvalidNeuronException("row " + table.describe(key) + ": " + reason
        + " (on-invalid: fail; use on-invalid: skip to record such rows in hal9_rejects and go on)");
  }

  /** Reads the batch after {@code cursor} and transforms its rows on all cores. */
  private Prepared prepare(DSLContext dsl, StateTable table, RowKey cursor) {
    List<StateRow> rows = table.read(dsl, cursor, batchSize, fromVersion);
    if (rows.isEmpty()) {
      return new Prepared(List.of(), List.of(), List.of(), 0, cursor, 0);
    }
    String[] newStates = new String[rows.size()];
    String[] reasons = new String[rows.size()];
    java.util.stream.IntStream.range(0, rows.size()).parallel().forEach(i -> {
      StateRow row = rows.get(i);
      if (row.oldVersion == null || row.oldVersion != fromVersion) {
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
    List<String[]> rejects = new ArrayList<>();
    long skipped = 0;
    for (int i = 0; i < rows.size(); i++) {
      StateRow row = rows.get(i);
      if (reasons[i] != null) {
        if (!skipInvalid) {
          throw invalid(table, row.rowKey(), reasons[i]);
        }
        rejects.add(new String[] {table.keys().json(row.rowKey()), reasons[i]});
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
  public boolean undoable() {
    return snapshot;
  }

  /** Restores every row the step changed from its snapshots, batch by batch, deleting them as it goes. */
  @Override
  public void undo(StepContext context) {
    StateTable table = table(context.dsl());
    while (true) {
      List<RowSnapshot> snapshots = RowData.snapshots(context.dsl(), step.id(), batchSize);
      if (snapshots.isEmpty()) {
        break;
      }
      context.commit(tx -> {
        table.restore(tx, snapshots);
        // The batch is the step's first snapshots in key order (rollback holds the lock): delete them as a range.
        RowData.snapshotsRemovedThrough(tx, step.id(), snapshots.get(snapshots.size() - 1).key());
        return Batch.of(snapshots.get(snapshots.size() - 1).key(), snapshots.size());
      });
    }
    context.complete(tx -> {
      RowData.rejectsCleared(tx, step.id());
      return Batch.of(null, 0);
    });
  }

  private StateTable table(DSLContext dsl) {
    return StateTable.resolve(step, ops, custom != null, new StepTables(step, Catalog.of(dsl), StepTables.failing()))
        .orElseThrow();
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }
}
