package io.hal9.migrate.engine.steps.embedding;

import io.hal9.migrate.checkpoints.RowSnapshot;
import io.hal9.migrate.engine.tables.RowKey;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.ParamCastMode;
import org.jooq.impl.DSL;

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
  List<RowSnapshot> previous(DSLContext tx, RowKey after, RowKey last, List<RowKey> keys);

  /**
   * Where to build a batch statement whose values are bound row by row into placeholders. On H2, jOOQ casts a
   * placeholder's bind to its type without precision or scale, and {@code cast(? as numeric)} has scale 0 there: a
   * NUMERIC key 1.5 would match (or insert) the row 2. So on H2 the parameters go bare, typed by the column each is
   * compared with or assigned to; PostgreSQL's statements are unchanged.
   */
  static DSLContext forBatch(DSLContext tx) {
    return tx.dialect() == SQLDialect.POSTGRES ? tx
        : DSL.using(tx.configuration().deriveSettings(s -> s.withParamCastMode(ParamCastMode.NEVER)));
  }

  /** Writes one vector per key. */
  void write(DSLContext tx, List<RowKey> keys, List<float[]> vectors);

  /** Writes back what {@link #previous} kept. */
  void restore(DSLContext tx, List<RowSnapshot> snapshots);

  /**
   * The next {@code limit} source rows after {@code after} with what is stored for each: its text and its
   * vectors of the step's model (none, one, or more when something is wrong), for verification.
   */
  List<Stored> stored(DSLContext dsl, RowKey after, int limit);

  /** A source row and the vectors stored for it: {@code dims} is the declared dimension of each, where kept. */
  record Stored(RowKey key, String text, List<float[]> vectors, List<Integer> dims) {}
}
