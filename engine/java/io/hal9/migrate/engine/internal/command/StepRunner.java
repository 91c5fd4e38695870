package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.CheckpointTx;
import io.hal9.migrate.checkpoints.CheckpointWriter;
import io.hal9.migrate.checkpoints.Event;
import io.hal9.migrate.checkpoints.EventType;
import io.hal9.migrate.checkpoints.LockLostException;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.checkpoints.StepState;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.ProgressListener.Ending;
import io.hal9.migrate.engine.api.ProgressListener.StepInfo;
import io.hal9.migrate.engine.api.Secrets;
import io.hal9.migrate.engine.api.StepOutcome;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies or undoes one step under the run lock, and says what its failure was. */
final class StepRunner {
  private static final Logger log = LoggerFactory.getLogger(StepRunner.class);

  private final Engine engine;
  private final CheckpointWriter writer;
  private final PartitionedStep partitioned;

  StepRunner(Engine engine, CheckpointWriter writer, String runId) {
    this.engine = engine;
    this.writer = writer;
    this.partitioned = new PartitionedStep(engine, writer, runId);
  }

  /** @param onDone what commits with the step's done mark (the version's history line), or nothing */
  StepOutcome apply(StepDefinition definition, StepCheckpoint checkpoint, Consumer<CheckpointTx> onDone) {
    Step step = engine.type(definition.type()).create(definition);
    StepRun run = new StepRun(definition, checkpoint, Direction.APPLY, engine, writer);
    run.onDone(onDone);
    Event start = startEvent(definition, checkpoint, run);
    Consumer<CheckpointTx> startedMark = tx -> {
      tx.started(definition.id(), definition.version(), definition.type(), definition.checksum());
      tx.event(start);
    };
    if (step.atomic()) {
      // All or nothing in one transaction: the mark that it started commits with it (or with its failure).
      run.firstWrite(startedMark);
    } else {
      writer.run(startedMark);
    }
    StepInfo info = run.info();
    long started = System.nanoTime();
    engine.settings().progress().stepStarted(info, run.rows());
    log.info("step {} ({}) of version {} {}", definition.id(), definition.type(), definition.version(),
        run.cursor() == null ? "started" : "resumed after " + run.rows() + " rows");
    try {
      if (PartitionedStep.partitions(definition) > 1) {
        partitioned.work(definition, step, Direction.APPLY, run);
      } else {
        step.run(run);
      }
      step.finish(run);
      run.completeIfNot();
    } catch (Exception e) {
      throw failed(e, run, started);
    }
    Duration elapsed = finished(info, Ending.DONE, run.rows(), started);
    return new StepOutcome(info.version(), info.id(), info.type(), StepOutcome.Result.DONE, run.rows(), elapsed, List.of());
  }

  private static Event startEvent(StepDefinition definition, StepCheckpoint checkpoint, StepRun run) {
    if (checkpoint != null && checkpoint.state() == StepState.FAILED) {
      return new Event(EventType.STEP_RETRIED, definition.version(), definition.id(), "attempt " + (checkpoint.attempts() + 1)
          + (run.cursor() == null ? "" : ", from row " + run.rows()) + "; it had failed: " + checkpoint.error());
    }
    return new Event(EventType.STEP_STARTED, definition.version(), definition.id(),
        run.cursor() == null ? "started" : "resumed after " + run.rows() + " rows");
  }

  /**
   * Undoes one step under an undo checkpoint of its own, so an interrupted rollback resumes. A step whose work is
   * atomic and never completed left nothing behind: it is only marked rolled back.
   */
  void undo(StepDefinition definition, Step step, StepCheckpoint checkpoint) {
    StepRun run = new StepRun(definition, checkpoint, Direction.UNDO, engine, writer);
    writer.run(tx -> tx.rollingBack(definition.id()));
    boolean leftSomething = !step.atomic() || checkpoint.state() == StepState.DONE
        || checkpoint.state() == StepState.ROLLING_BACK;
    try {
      if (leftSomething && PartitionedStep.partitions(definition) > 1) {
        partitioned.work(definition, step, Direction.UNDO, run);
      } else if (leftSomething) {
        step.undo(run);
      }
      run.completeIfNot();
    } catch (Exception e) {
      throw undoFailed(e, definition);
    }
    log.info("step {} of version {} rolled back", definition.id(), definition.version());
  }

  /**
   * What a step's failure is, as the command reports it: a stop; the lost lock (the step's committed checkpoint
   * stays, what it was writing did not commit); or the step's own failure, recorded against the step (the record is
   * fenced too: a lock lost meanwhile shows there).
   */
  private RuntimeException failed(Exception e, StepRun run, long startedNanos) {
    StepDefinition definition = run.definition();
    if (e instanceof StopRequested stop) {
      finished(run.info(), Ending.STOPPED, run.rows(), startedNanos);
      recordQuietly(new Event(EventType.STEP_STOPPED, definition.version(), definition.id(), "stopped at a batch boundary after "
          + run.rows() + " rows; the next run resumes"));
      return stop;
    }
    Optional<LockLostException> lost = StepFailures.lockLost(e, writer);
    String message = message(e);
    if (lost.isEmpty()) {
      try {
        Event failure = new Event(EventType.STEP_FAILED, definition.version(), definition.id(), message);
        writer.failed(definition.id(), message, tx -> {
          run.pendingFirstWrite().accept(tx);
          tx.event(failure);
        });
      } catch (RuntimeException secondary) {
        lost = Optional.ofNullable(StepFailures.causeOf(secondary, LockLostException.class));
        lost.ifPresent(l -> l.addSuppressed(e));
        if (lost.isEmpty()) {
          e.addSuppressed(secondary);
        }
      }
    }
    if (lost.isPresent()) {
      finished(run.info(), Ending.STOPPED, run.rows(), startedNanos);
      return committedSoFar(lost.get(), definition, run);
    }
    finished(run.info(), Ending.FAILED, run.rows(), startedNanos);
    // A step may fail with a code of its own (a health check's); any other failure is STEP_FAILED.
    Hal9MigrateException own = e instanceof Hal9MigrateException coded ? coded : null;
    return new Hal9MigrateException(own == null ? ErrorCode.STEP_FAILED : own.code(), "step '" + definition.id() + "' ("
        + definition.file().getFileName() + ") failed: " + message + "; the checkpoint is kept, run again to resume",
        own == null ? List.of() : own.details(), e);
  }

  /** An undo's failure leaves the step rolling back, its last undo batch uncommitted, for the rollback to resume. */
  private RuntimeException undoFailed(Exception e, StepDefinition definition) {
    if (e instanceof StopRequested || e instanceof Hal9MigrateException) {
      return (RuntimeException) e;
    }
    Optional<LockLostException> lost = StepFailures.lockLost(e, writer);
    if (lost.isPresent()) {
      return lost.get();
    }
    return new Hal9MigrateException(ErrorCode.STEP_FAILED, "undo of step '" + definition.id() + "' failed: " + message(e)
        + "; its last undo batch was not committed, run the rollback again to resume", e);
  }

  /** An event whose loss must not hide what the command has to report (a stop, say, on a closing pool). */
  private void recordQuietly(Event event) {
    try {
      writer.run(tx -> tx.event(event));
    } catch (RuntimeException e) {
      log.debug("could not record {}: {}", event.type().label(), e.getMessage());
    }
  }

  private String message(Exception e) {
    return Secrets.redact(Hal9MigrateException.oneLine(StepFailures.rootMessage(e)), engine.settings().password());
  }

  /** The loss, saying what the step had committed. A step that committed on its own (Flyway) said it already. */
  private static LockLostException committedSoFar(LockLostException lost, StepDefinition definition, StepRun run) {
    if (lost.getCause() instanceof LockLostException) {
      return lost;
    }
    return lost.committed("step '" + definition.id() + "' had committed " + run.rows() + " rows (its last checkpoint),"
        + " which stay; what it was writing when the lock was lost was not committed");
  }

  private Duration finished(StepInfo info, Ending ending, long rows, long startedNanos) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
    engine.settings().progress().stepFinished(info, ending, rows, elapsed);
    log.info("step {} {}: {} rows in {} ms", info.id(), ending.label(), rows, elapsed.toMillis());
    return elapsed;
  }
}
