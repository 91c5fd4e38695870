package io.hal9.migrate.engine;

import io.hal9.migrate.checkpoints.CheckpointWriter;
import io.hal9.migrate.checkpoints.LockLostException;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.checkpoints.StepState;
import io.hal9.migrate.engine.ProgressListener.StepInfo;
import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.StepContext;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/** One step being run: its checkpoint as committed so far, and the one way to commit more. */
final class StepRun implements StepContext {
  private final StepDefinition definition;
  private final StepInfo info;
  private final CheckpointWriter writer;
  private final DataSource dataSource;
  private final DSLContext dsl;
  private final ProgressListener progress;
  private final BooleanSupplier stopRequested;
  private final StepState finalState;
  private String cursor;
  private long rows;
  private String counters;
  private volatile long total = -1;
  private boolean completed;
  private java.util.function.Consumer<DSLContext> onDone;
  private java.util.function.Consumer<DSLContext> firstWriteBegins;

  /**
   * @param checkpoint the step's checkpoint as it stands, or null on its first run
   * @param finalState DONE when applying the step, ROLLED_BACK when undoing it
   */
  StepRun(StepDefinition definition, StepCheckpoint checkpoint, StepState finalState, CheckpointWriter writer,
      DataSource dataSource, DSLContext dsl, ProgressListener progress, BooleanSupplier stopRequested) {
    this.definition = definition;
    this.info = new StepInfo(definition.version().toString(), definition.id(), definition.type());
    this.writer = writer;
    this.dataSource = dataSource;
    this.dsl = dsl;
    this.progress = progress;
    this.stopRequested = stopRequested;
    this.finalState = finalState;
    boolean resumes = checkpoint != null && checkpoint.state() != StepState.ROLLED_BACK
        && (finalState == StepState.DONE) == (checkpoint.state() != StepState.ROLLING_BACK);
    this.cursor = resumes ? checkpoint.cursor() : null;
    this.rows = resumes ? checkpoint.rows() : 0;
    // An undo starts from what the run recorded (rollingBack keeps the column): a step may have kept there
    // what it needs to restore, such as the replicas it replaced.
    boolean undoing = finalState == StepState.ROLLED_BACK && checkpoint != null && checkpoint.state() != StepState.ROLLED_BACK;
    this.counters = resumes || undoing ? checkpoint.counters() : null;
  }

  StepInfo info() {
    return info;
  }

  /** What the first transaction writes first (the step's started mark, for an atomic step), until it commits. */
  void firstWriteBegins(java.util.function.Consumer<DSLContext> first) {
    this.firstWriteBegins = first;
  }

  /** What the first transaction would have written first, while none committed; else a no-op. */
  java.util.function.Consumer<DSLContext> firstWriteBegins() {
    return firstWriteBegins == null ? tx -> {} : firstWriteBegins;
  }

  /** What else commits in the transaction that marks the step done (null: nothing). */
  void onDone(java.util.function.Consumer<DSLContext> onDone) {
    this.onDone = onDone;
  }

  boolean completed() {
    return completed;
  }

  @Override
  public StepDefinition definition() {
    return definition;
  }

  @Override
  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public SQLDialect dialect() {
    return dsl.dialect();
  }

  @Override
  public DSLContext dsl() {
    return dsl;
  }

  @Override
  public String cursor() {
    return cursor;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public String counters() {
    return counters;
  }

  @Override
  public void expect(long totalRows) {
    this.total = totalRows;
  }

  @Override
  public Batch commit(Function<DSLContext, Batch> work) {
    Batch batch = write(work, false);
    if (stopRequested.getAsBoolean()) {
      throw new StopRequested();
    }
    return batch;
  }

  @Override
  public Batch complete(Function<DSLContext, Batch> work) {
    return write(work, true);
  }

  @Override
  public Optional<LockLostException> lockLost() {
    return writer.lostLock();
  }

  private Batch write(Function<DSLContext, Batch> work, boolean done) {
    if (completed) {
      throw new IllegalStateException("step '" + definition.id() + "' is already complete");
    }
    long started = System.nanoTime();
    Batch batch = writer.inTransaction(tx -> {
      if (firstWriteBegins != null) {
        firstWriteBegins.accept(tx);
      }
      Batch b = work.apply(tx);
      writer.progressed(tx, definition.id(), b.cursor(), rows + b.rows(), b.counters() != null ? b.counters() : counters);
      if (done && finalState == StepState.ROLLED_BACK) {
        writer.rolledBack(tx, definition.id());
      } else if (done) {
        writer.finished(tx, definition.id(), StepState.DONE);
      }
      if (done && onDone != null) {
        onDone.accept(tx);
      }
      return b;
    });
    firstWriteBegins = null;
    cursor = batch.cursor();
    rows += batch.rows();
    counters = batch.counters() != null ? batch.counters() : counters;
    completed = done;
    progress.transactionCommitted(info, Duration.ofNanos(System.nanoTime() - started));
    progress.batchCommitted(info, rows, total);
    return batch;
  }
}
