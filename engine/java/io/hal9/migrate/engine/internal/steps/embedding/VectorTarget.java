package io.hal9.migrate.engine.internal.steps.embedding;

import io.hal9.migrate.engine.spi.Snapshot;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Where an embedding step writes its vectors: a table of vectors by key and model, or a column of the source rows
 * themselves. Either way, what a write replaces is kept first (in the same transaction) so that rollback puts back
 * exactly what was there.
 */
interface VectorTarget {

  /**
   * What writing vectors for {@code keys} (of the source rows in (after, last]) replaces, as snapshots, one per
   * key, read in the batch's transaction. Read by key range: H2 looks a list of bound keys up by scanning.
   */
  List<Snapshot> previous(DSLContext tx, RowKey after, RowKey last, List<RowKey> keys);

  /** Writes one vector per key. */
  void write(DSLContext tx, List<RowKey> keys, List<float[]> vectors);

  /** Writes back what {@link #previous} kept. */
  void restore(DSLContext tx, List<Snapshot> snapshots);

  /**
   * The next {@code limit} source rows after {@code after} with what is stored for each: its text and its
   * vectors of the step's model (none, one, or more when something is wrong), for verification.
   */
  List<Stored> stored(DSLContext dsl, RowKey after, int limit);

  /** A source row and the vectors stored for it: {@code dims} is the declared dimension of each, where kept. */
  record Stored(RowKey key, String text, List<Measure> vectors, List<Integer> dims) {}

  /** A stored vector's length and norm (NaN where an element is missing or not a number). */
  record Measure(int length, double norm) {}
}
