package io.hal9.migrate.engine.internal.steps;

import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Snapshot;
import io.hal9.migrate.engine.spi.Snapshots;
import io.hal9.migrate.engine.spi.StepContext;
import java.util.List;
import org.jooq.DSLContext;

/**
 * The undo of a step that kept snapshots: batch by batch in key order, each batch's rows written back and its
 * snapshots deleted in one transaction; the cursor is the last key restored, so an interrupted rollback goes on
 * after it.
 */
public final class SnapshotUndo implements BatchPipeline.Batches<String, Snapshots.Page> {
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
  public Snapshots.Page prepare(String after) {
    Snapshots.Page page = context.snapshots().after(after, batchSize);
    return page.snapshots().isEmpty() ? null : page;
  }

  @Override
  public String last(Snapshots.Page batch) {
    return batch.last();
  }

  @Override
  public Batch write(DSLContext tx, Snapshots.Page batch) {
    restore.restore(tx, batch.snapshots());
    context.snapshots().removeThrough(tx, batch.last());
    return Batch.of(batch.last(), batch.snapshots().size());
  }
}
