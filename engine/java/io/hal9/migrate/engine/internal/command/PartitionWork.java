package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.Event;
import io.hal9.migrate.checkpoints.EventType;
import io.hal9.migrate.checkpoints.LockLostException;
import io.hal9.migrate.checkpoints.Partition;
import io.hal9.migrate.checkpoints.PartitionLease;
import io.hal9.migrate.checkpoints.PartitionWriter;
import io.hal9.migrate.checkpoints.RunLock;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.checkpoints.StepState;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.ProgressListener;
import io.hal9.migrate.engine.api.Secrets;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works one claimed partition to its end, batch by batch through the step's own pipeline, each batch committed with
 * the partition's checkpoint and fenced by its epoch: what a worker does, and the runner beside the workers.
 */
final class PartitionWork {
  private static final Logger log = LoggerFactory.getLogger(PartitionWork.class);

  private final Engine engine;

  PartitionWork(Engine engine) {
    this.engine = engine;
  }

  /**
   * @param stepRow the step's row as it stands: its counters and undo record are those an undo starts from
   * @param rowsBefore the step's rows in its other partitions, for progress over the whole step
   * @param recordFailure whether a failure of the partition is recorded against the step here (a worker's), fenced by
   *     the partition: the runner waiting for the partitions then stops on it; a runner records its own
   * @return the rows the partition handled in this claim
   * @throws StopRequested at a stop (the partition is given back at its cursor)
   * @throws LockLostException when another owner claimed the partition meanwhile
   */
  long run(StepDefinition definition, Step step, StepCheckpoint stepRow, PartitionLease lease, long rowsBefore,
      boolean recordFailure) throws Exception {
    Partition partition = lease.partition();
    Direction direction = partition.undo() ? Direction.UNDO : Direction.APPLY;
    PartitionWriter writer = lease.writer();
    StepRun run = new StepRun(definition, checkpoint(definition, stepRow, partition), direction, engine, writer, partition,
        progress(partition, rowsBefore, stepRow.expected()));
    engine.settings().progress().partitionClaimed(run.info(), partition.number(), partition.rows(), partition.expected());
    log.info("partition {} of step {} {} by {} (epoch {}){}", partition.number(), definition.id(),
        direction == Direction.UNDO ? "rolling back" : "claimed", RunLock.thisProcess(),
        partition.epoch(), partition.cursor() == null ? "" : ", resuming after " + partition.rows() + " rows");
    try (lease) {
      if (direction == Direction.UNDO) {
        step.undo(run);
      } else {
        step.run(run);
      }
      run.completeIfNot();
    } catch (StopRequested e) {
      throw e;
    } catch (Exception e) {
      Optional<LockLostException> lost = StepFailures.lockLost(e, writer);
      if (lost.isPresent()) {
        throw lost.get().committed("partition " + partition.number() + " had committed " + run.rows() + " rows, which stay;"
            + " what it was writing was not committed");
      }
      if (recordFailure) {
        failed(definition, lease, e);
      }
      throw e;
    }
    return run.rows() - partition.rows();
  }

  /** The step's next run resumes every partition from its cursor. */
  private void failed(StepDefinition definition, PartitionLease lease, Exception e) {
    String message = "partition " + lease.partition().number() + ": "
        + Secrets.redact(Hal9MigrateException.oneLine(StepFailures.rootMessage(e)), engine.settings().password());
    try {
      lease.writer().failed(definition.id(), message,
          tx -> tx.event(new Event(EventType.STEP_FAILED, definition.version(), definition.id(), message)));
    } catch (RuntimeException secondary) {
      e.addSuppressed(secondary);
    }
  }

  /** The partition's checkpoint as a step run reads one: its own cursor, rows and counters; the step's undo record. */
  private static StepCheckpoint checkpoint(StepDefinition definition, StepCheckpoint step, Partition partition) {
    String counters = partition.counters() != null || !partition.undo() ? partition.counters() : step.counters();
    return new StepCheckpoint(definition.id(), definition.version(), definition.type(), definition.checksum(),
        partition.undo() ? StepState.ROLLING_BACK : StepState.RUNNING, partition.resumeAfter(), partition.rows(), counters,
        step.undoRecord(), step.attempts(), null, partition.ownerRun(), step.startedAt(), step.updatedAt(), null,
        partition.expected(), null);
  }

  /** The partition's batches as progress of the whole step (the other partitions' rows as last read, plus these). */
  private ProgressListener progress(Partition partition, long rowsBefore, long stepTotal) {
    ProgressListener all = engine.settings().progress();
    return new ProgressListener() {
      @Override
      public void batchCommitted(StepInfo step, long rowsDone, long total) {
        all.partitionCommitted(step, partition.number(), rowsDone, total);
        all.batchCommitted(step, rowsBefore + rowsDone, stepTotal);
      }

      @Override
      public void transactionCommitted(StepInfo step, Duration took) {
        all.transactionCommitted(step, took);
      }

      @Override
      public void held(StepInfo step, String reason) {
        all.held(step, reason);
      }

      @Override
      public void rowsRejected(StepInfo step, long rows) {
        all.rowsRejected(step, rows);
      }
    };
  }
}
