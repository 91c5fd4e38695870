package io.hal9.migrate.engine.spi;

import org.jooq.DSLContext;

/** A step ready to run: created from a validated definition by its {@link StepType}. */
public interface Step {

  /**
   * Does the step's work from the checkpoint in {@code context}. Data steps commit each batch through
   * {@link StepContext#commit}; a step that returns normally is marked done.
   */
  void run(StepContext context) throws Exception;

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

  /** Undoes the step inside {@code tx}, the transaction that also marks it rolled back. */
  default void undo(DSLContext tx) throws Exception {
    throw new UnsupportedOperationException("this step has no undo");
  }
}
