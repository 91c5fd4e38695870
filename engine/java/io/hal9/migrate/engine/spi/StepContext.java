package io.hal9.migrate.engine.spi;

import io.hal9.migrate.engine.api.Routing;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/**
 * What a running step may use: its definition, reads of the target database, its checkpoint, and the one way to
 * write, a transaction fenced by the run lock. Nothing here writes around the fence.
 */
public interface StepContext {

  StepDefinition definition();

  SQLDialect dialect();

  /**
   * jOOQ on the target database, for reads: a write through it fails (it would commit outside the fence); write in
   * {@link #commit}.
   */
  DSLContext dsl();

  /**
   * Connections to the target database for writes outside {@link #commit} (Flyway's own transactions, statements that
   * cannot run in one): fenced by the run lock, so each commit, and each statement in autocommit mode, fails once
   * another runner took over.
   */
  DataSource dataSource();

  /** The cursor of the last committed batch, or null when the step starts from scratch. */
  String cursor();

  /**
   * Where the keys this run covers end, inclusive, as the checkpoint keeps keys: a partition's last key while a
   * partition of the step is applied; null for the whole table (or the last partition). {@link #cursor} starts at
   * the partition's first key. An undo of a partition sees only that partition's {@link #snapshots}.
   */
  default String upTo() {
    return null;
  }

  /** Rows handled by committed batches so far. */
  long rows();

  /**
   * The step's counters as last committed, read as {@code type}, or null. An undo sees those of the run it undoes
   * until it commits counters of its own.
   */
  <C> C counters(Class<C> type);

  /** What {@link #recordUndo} recorded for this step (on this attempt or an earlier one), or null. */
  <U> U undoRecord(Class<U> type);

  /**
   * Commits what the step needs to undo its work (any value Jackson writes), before it changes anything that the
   * database cannot roll back; kept until the step is rolled back.
   */
  void recordUndo(Object record);

  /** The step's snapshots, for an exact rollback. */
  Snapshots snapshots();

  /** The rows the step rejected. */
  Rejects rejects();

  /**
   * Where the step puts meters of its own (a cache's, say), tagged with its step: the engine's registry, or one that
   * keeps nothing when the engine has none.
   */
  MeterRegistry meters();

  /** The routing HAL9 reads (the rollout's phase, traffic and feature flags) as the target database holds it now. */
  Routing routing();

  /**
   * Like {@link #commit}, and sets the routing to {@code routing} in the same transaction: one history line per
   * changed value (hal9_routing_history) and an event naming {@code reason}, critical when {@code rollback}.
   */
  Batch route(Routing routing, String reason, boolean rollback, Batch batch);

  /** Who asked, with {@code rollout abort}, for the rollout to go back to the previous phase, or null. */
  String abortRequestedBy();

  /** Records a warning of this step in hal9_events (committed on its own, fenced): a gate without data, a retry. */
  void warn(String message);

  /** The Prometheus server the run was given ({@code --prometheus}), if any. */
  Optional<PrometheusQuery> prometheus();

  /** Announces the total units of work, for progress and ETA. */
  void expect(long totalRows);

  /**
   * Runs {@code work} and records its batch in one transaction fenced by the run lock. After the commit, a pending
   * stop request ends the step here (the checkpoint is saved; the next run resumes).
   */
  Batch commit(Function<DSLContext, Batch> work);

  /** Like {@link #commit}, and marks the step done (rolled back, when undoing) in the same transaction. */
  Batch complete(Function<DSLContext, Batch> work);

  /**
   * For a step that commits on its own ({@link #dataSource}) and failed: when the failure comes from a lost run lock,
   * or the lock is lost now (a takeover ends a stalled runner's sessions, so it fails on a broken connection), that
   * loss, saying what the step had committed; else {@code failure} itself.
   */
  RuntimeException lockLostOr(RuntimeException failure, Supplier<String> committed);
}
