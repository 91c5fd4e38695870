package io.hal9.migrate.engine.spi;

import io.hal9.migrate.checkpoints.LockLostException;
import io.hal9.migrate.engine.plan.StepDefinition;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/** What a running step may use: its definition, the target database, its checkpoint, and the commit. */
public interface StepContext {

  StepDefinition definition();

  /**
   * Connections to the target database for writes outside {@link #commit} (Flyway's own transactions, statements
   * that cannot run in one): fenced by the run lock, so each commit, and each statement in autocommit mode, fails
   * once another runner took over.
   */
  DataSource dataSource();

  SQLDialect dialect();

  /** jOOQ on the target database, with the engine's settings. */
  DSLContext dsl();

  /** The cursor of the last committed batch, or null when the step starts from scratch. */
  String cursor();

  /** Rows handled by committed batches so far. */
  long rows();

  /**
   * The step's counters as last committed (a JSON object), or null. An undo sees those of the run it undoes
   * until it commits counters of its own.
   */
  String counters();

  /** Announces the total units of work, for progress and ETA. */
  void expect(long totalRows);

  /**
   * Runs {@code work} and records its batch in one transaction fenced by the run lock. After the commit,
   * a pending stop request ends the step here (the checkpoint is saved; the next run resumes).
   */
  Batch commit(Function<DSLContext, Batch> work);

  /** Like {@link #commit}, and marks the step done (rolled back, when undoing) in the same transaction. */
  Batch complete(Function<DSLContext, Batch> work);

  /**
   * Whether this runner has lost the run lock, as the database has it now; empty while it holds it. For a step that
   * commits on its own ({@link #dataSource}) and failed without the fence saying why: a takeover ends a stalled
   * runner's sessions, so it fails on a broken connection, and should still say what it had committed.
   */
  Optional<LockLostException> lockLost();
}
