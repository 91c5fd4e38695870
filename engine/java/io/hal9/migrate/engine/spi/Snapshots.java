package io.hal9.migrate.engine.spi;

import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.ResultQuery;
import org.jooq.Select;
import org.jooq.Table;

/**
 * A step's snapshots, kept by the engine (hal9_snapshots) until its rollback restores them. Writes take the batch's
 * transaction ({@code tx} of {@link StepContext#commit}), so they commit or vanish with the batch.
 */
public interface Snapshots {

  void save(DSLContext tx, List<Snapshot> snapshots);

  /** Snapshots taken inside the database: {@code rows} selects each row's key and before-value, as text. */
  void save(DSLContext tx, Select<? extends Record2<String, String>> rows);

  /**
   * The statement that keeps the snapshots of a batch's {@code rows}, for a step to run inside its own statement in
   * the batch's transaction (a data-modifying CTE over what its UPDATE returns), so its rows are changed and
   * snapshotted in one pass. {@code key} and {@code before} are JSON values (each row's key as {@link
   * io.hal9.migrate.engine.spi.tables.Keyset#json} writes it, its before-value as the step reads it back); {@code
   * batchKey}, unique per batch, files them. They come back from {@link #after} one snapshot per row, their JSON
   * text as the database wrote it.
   */
  ResultQuery<?> saving(Table<?> rows, Field<?> key, Field<?> before, Field<String> batchKey);

  /** A page of snapshots in key order; the next page starts after {@code last}. */
  record Page(List<Snapshot> snapshots, String last) {}

  /** The next page of about {@code limit} snapshots after {@code afterKey} (null: the first), as committed. */
  Page after(String afterKey, int limit);

  void remove(DSLContext tx, Collection<String> keys);

  /** Removes the snapshots up to {@code lastKey}, in key order: a page {@link #after} returned. */
  void removeThrough(DSLContext tx, String lastKey);
}
