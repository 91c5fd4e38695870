package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.LockLostException;
import io.hal9.migrate.checkpoints.Partition;
import io.hal9.migrate.checkpoints.PartitionLease;
import io.hal9.migrate.checkpoints.Partitions;
import io.hal9.migrate.checkpoints.RunLock;
import io.hal9.migrate.checkpoints.RunState;
import io.hal9.migrate.checkpoints.Sleep;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.WorkResult;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: claims partitions of the plans' partitioned steps as a run splits them, works each to its end, and takes
 * the next, without the run lock (the partitions' leases fence it), so workers on many machines share a step. It leaves
 * once the plans have nothing left to run, or when it found nothing to claim for {@code idle}.
 */
public final class WorkerCommand {
  private static final Logger log = LoggerFactory.getLogger(WorkerCommand.class);
  private static final long POLL_MILLIS = 500;

  private final Engine engine;
  private final Duration idle;
  /** Each step created once: its partitions share what it keeps (an embedding cache). */
  private final Map<String, Step> created = new HashMap<>();

  public WorkerCommand(Engine engine, Duration idle) {
    this.engine = engine;
    this.idle = idle;
  }

  /** @throws Hal9MigrateException STEP_FAILED, LOCK_LOST (a partition taken over), CHECKSUM_MISMATCH, STOPPED */
  public WorkResult execute() {
    engine.store().initialize();
    engine.started();
    Partitions partitions = engine.store().partitions();
    Map<String, StepDefinition> steps = new LinkedHashMap<>();
    engine.plan().versions().forEach(v -> v.steps().forEach(s -> steps.put(s.id(), s)));
    String workerId = partitions.enlist("worker");
    engine.settings().progress().runStarted(workerId, 0);
    log.info("worker {} on {} looks for partitions of {} steps", workerId, RunLock.thisProcess(),
        steps.size());
    PartitionWork work = new PartitionWork(engine);
    RunState end = RunState.FAILED;
    int worked = 0;
    long rows = 0;
    long idleSince = System.nanoTime();
    try {
      while (true) {
        if (engine.stopRequested()) {
          throw new StopRequested();
        }
        Optional<PartitionLease> claimed = partitions.claim(workerId, steps.keySet(), engine.settings().lease());
        if (claimed.isPresent()) {
          rows += work(work, steps, claimed.get());
          worked++;
          idleSince = System.nanoTime();
          continue;
        }
        if (PendingSteps.upTo(engine.plan(), engine.settings().target(), engine.store().steps()).isEmpty()) {
          end = RunState.DONE;
          return new WorkResult(workerId, worked, rows, "the plans have nothing left to run");
        }
        if (System.nanoTime() - idleSince > idle.toNanos()) {
          end = RunState.DONE;
          return new WorkResult(workerId, worked, rows, "no partition to claim for " + Param.text(idle));
        }
        Sleep.millis(POLL_MILLIS);
      }
    } catch (StopRequested e) {
      end = RunState.STOPPED;
      throw new Hal9MigrateException(ErrorCode.STOPPED, "stopped at a batch boundary; the partition is given back at its"
          + " cursor for the next claimer", e);
    } catch (LockLostException e) {
      end = RunState.LOCK_LOST;
      throw new Hal9MigrateException(ErrorCode.LOCK_LOST, e.getMessage(), e);
    } finally {
      try {
        partitions.leave(workerId, end);
      } catch (RuntimeException e) {
        log.debug("could not record how worker {} ended: {}", workerId, e.getMessage());
      }
    }
  }

  private long work(PartitionWork work, Map<String, StepDefinition> steps, PartitionLease lease) {
    Partition partition = lease.partition();
    StepDefinition definition = steps.get(partition.stepId());
    StepCheckpoint row = engine.store().steps().get(partition.stepId());
    if (!definition.checksum().equals(row.checksum())) {
      lease.close();
      throw new Hal9MigrateException(ErrorCode.CHECKSUM_MISMATCH, "step '" + definition.id() + "' (" + definition.file()
          .getFileName() + ") differs from the one the run started (checksum " + row.checksum() + " in the database, "
          + definition.checksum() + " in this worker's plans): give the workers the runner's plans");
    }
    Step step = created.computeIfAbsent(definition.id(), id -> engine.type(definition.type()).create(definition));
    long others = engine.store().partitions().of(definition.id()).stream()
        .filter(p -> p.number() != partition.number()).mapToLong(Partition::rows).sum();
    try {
      return work.run(definition, step, row, lease, others, true);
    } catch (StopRequested | LockLostException e) {
      throw e;
    } catch (Exception e) {
      throw new Hal9MigrateException(ErrorCode.STEP_FAILED, "step '" + definition.id() + "' (" + definition.file()
          .getFileName() + ") failed in partition " + partition.number() + ": " + Hal9MigrateException.oneLine(
          StepFailures.rootMessage(e)) + "; the partition's checkpoint is kept, the step's next run resumes it", e);
    }
  }
}
