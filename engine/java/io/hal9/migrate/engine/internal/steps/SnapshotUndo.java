package io.hal9.migrate.engine.internal.steps;

import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Snapshot;
import io.hal9.migrate.engine.spi.StepContext;
import java.util.List;
import org.jooq.DSLContext;

/**
 * The undo of a step that kept snapshots: batch by batch in key order, each batch's rows written back and its
 * snapshots deleted in one transaction; the cursor is the last key restored, so an interrupted rollback goes on
 * after it.
 */
public final class SnapshotUndo implements BatchPipeline.Batches<String, List<Snapshot>> {
  /** Writes the rows' values back, as the snapshots hold them. */
  public interface Restore {
    void restore(DSLContext tx, List<Snapshot> snapshots);
  }

  private final StepContext context;
  private final int batchSize;
  private final Restore restore;

  private SnapshotUndo(StepContext context, int batchSize, Restore restore) {
    this.context = context;
    this.batchSize = batchSize;
    this.restore = restore;
  }

  /** Restores every snapshot of the step; the step is then complete (rolled back). */
  public static void run(StepContext context, int batchSize, Restore restore) throws Exception {
    BatchPipeline.run(context, context.cursor(), new SnapshotUndo(context, batchSize, restore), null);
  }

  @Override
  public List<Snapshot> prepare(String after) {
    List<Snapshot> snapshots = context.snapshots().after(after, batchSize);
    return snapshots.isEmpty() ? null : snapshots;
  }

  @Override
  public String last(List<Snapshot> batch) {
    return batch.get(batch.size() - 1).key();
  }

  @Override
  public Batch write(DSLContext tx, List<Snapshot> batch) {
    restore.restore(tx, batch);
    context.snapshots().removeThrough(tx, last(batch));
    return Batch.of(last(batch), batch.size());
  }
}
