package io.hal9.migrate.engine.spi;

import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.tables.Catalog;
import java.util.List;

/**
 * A kind of plan step, found through {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/io.hal9.migrate.engine.spi.StepType} and plans may use its {@link #name()}.
 */
public interface StepType {

  /** The value of {@code type:} in a plan file. */
  String name();

  /** Every key the step accepts besides {@code id}, {@code type} and {@code description}. */
  List<Param> params();

  /**
   * Checks what key types alone cannot (one of two keys, a file that must exist); runs after those checks
   * passed, before anything touches the database.
   */
  default void validate(StepDefinition step, Problems problems) {}

  /**
   * Checks the step against the live database before anything is written: the tables and columns it names, their
   * types, the uniqueness of its key. Reads the catalog only; each mismatch goes to {@code problems}.
   */
  default void preflight(StepDefinition step, Catalog catalog, Problems problems) {}

  /**
   * Whether running the step may change the database's schema (create a table, add a column): then the steps
   * after it are checked again just before they run, against the schema it left.
   */
  default boolean changesSchema() {
    return false;
  }

  /** The files and folders the step reads besides its plan file; the loader reads them (see {@link StepFile}). */
  default List<StepFile> files(StepDefinition step) {
    return List.of();
  }

  /**
   * What of those files goes into the checksum, from the bytes the loader read ({@link StepDefinition#content},
   * {@link StepDefinition#folder}).
   */
  default byte[] externalContent(StepDefinition step) {
    return new byte[0];
  }

  Step create(StepDefinition step);
}
