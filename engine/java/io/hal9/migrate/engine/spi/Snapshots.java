package io.hal9.migrate.engine.spi;

import java.util.Collection;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record1;
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
   * The statement that keeps the snapshots {@code rows} holds ({@code key}, {@code before}: text), returning their
   * keys; for a step to run inside its own statement in the batch's transaction (a data-modifying CTE over what its
   * UPDATE returns), so its rows are changed and snapshotted in one pass.
   */
  ResultQuery<Record1<String>> saving(Table<?> rows, Field<String> key, Field<String> before);

  /** The next {@code limit} snapshots in key order after {@code afterKey} (null: the first), as committed. */
  List<Snapshot> after(String afterKey, int limit);

  void remove(DSLContext tx, Collection<String> keys);

  /** Removes the snapshots up to {@code lastKey}, in key order: those {@link #after} returned. */
  void removeThrough(DSLContext tx, String lastKey);
}
