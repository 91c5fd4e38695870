package io.hal9.migrate.engine.spi;

import io.hal9.migrate.engine.spi.tables.BatchedTable;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/** A step ready to run: created from a validated definition by its {@link StepType}. */
public interface Step {

  /**
   * Does the step's work from the checkpoint in {@code context}. Data steps commit each batch through
   * {@link StepContext#commit}; a step that returns normally is marked done.
   */
  void run(StepContext context) throws Exception;

  /**
   * What the step does once after its rows are done (an embedding step verifies its vectors): after {@link #run}, or,
   * for a partitioned step, after every partition's run. Nothing by default.
   */
  default void finish(StepContext context) throws Exception {}

  /**
   * The table and key the step walks, for a step that may be split into partitions ({@code partitions: N}): each
   * partition's {@link #run} then reads only the keys up to {@link StepContext#upTo()}, after its cursor. Empty for
   * steps that cannot be partitioned.
   */
  default Optional<BatchedTable> batchedTable(DSLContext dsl) {
    return Optional.empty();
  }

  /**
   * What running the step would change, as lines for a dry run, read without writing (a rollout phase: its traffic
   * and flags against the routing now, and its gates and triggers evaluated once). None by default.
   */
  default List<String> preview(StepPreview preview) throws Exception {
    return List.of();
  }

  /** Whether {@code rollback} can undo this step. */
  default boolean undoable() {
    return false;
  }

  /**
   * Whether the step's effects commit in one transaction with its checkpoint: then an interrupted or failed
   * attempt left nothing behind, and rollback has nothing to undo for it.
   */
  default boolean atomic() {
    return false;
  }

  /**
   * Undoes what the step did, from the undo checkpoint in {@code context} (a fresh one, or that of an
   * interrupted rollback). Commit batches through {@link StepContext#commit}, or all of it at once through
   * {@link StepContext#complete}; a step that returns normally is marked rolled back.
   */
  default void undo(StepContext context) throws Exception {
    throw new UnsupportedOperationException("this step has no undo");
  }
}
