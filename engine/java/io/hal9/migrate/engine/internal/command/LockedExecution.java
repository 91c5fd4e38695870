package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.Event;
import io.hal9.migrate.checkpoints.EventType;
import io.hal9.migrate.checkpoints.Lease;
import io.hal9.migrate.checkpoints.LockHeldException;
import io.hal9.migrate.checkpoints.LockHolder;
import io.hal9.migrate.checkpoints.LockLostException;
import io.hal9.migrate.checkpoints.RunState;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a command's work holding the run lock, records how the run ended, and maps lock trouble and stops to their
 * codes: the one way every writing command runs.
 */
final class LockedExecution {
  private LockedExecution() {}

  static <T> T run(Engine engine, String command, Function<Lease, T> work) {
    engine.store().initialize();
    Lease lease;
    try {
      lease = acquire(engine, command);
    } catch (LockHeldException e) {
      LockHolder holder = e.holder();
      throw new Hal9MigrateException(ErrorCode.LOCKED, "database is locked by a live run on " + holder.host()
          + " (pid " + holder.pid() + ") since " + holder.since(),
          List.of("host=" + holder.host(), "pid=" + holder.pid(), "since=" + holder.since(), "epoch=" + holder.epoch()), e);
    }
    engine.settings().progress().runStarted(lease.runId(), lease.epoch());
    engine.settings().progress().routed(Routings.api(engine.store().routing()));
    RunState outcome = RunState.FAILED;
    try {
      T result = work.apply(lease);
      outcome = RunState.DONE;
      return result;
    } catch (StopRequested e) {
      outcome = RunState.STOPPED;
      throw new Hal9MigrateException(ErrorCode.STOPPED, "stopped at a batch boundary; the checkpoint is saved, run again to resume", e);
    } catch (RuntimeException e) {
      LockLostException lost = StepFailures.causeOf(e, LockLostException.class);
      if (lost == null) {
        throw e;
      }
      outcome = RunState.LOCK_LOST;
      recordLoss(engine, lease, lost);
      throw new Hal9MigrateException(ErrorCode.LOCK_LOST, lost.getMessage(), e);
    } finally {
      lease.close(outcome);
    }
  }

  /** Unfenced, as only the loser can tell: the run that took over recorded its takeover already. */
  private static void recordLoss(Engine engine, Lease lease, LockLostException lost) {
    try {
      engine.store().record(lease.runId(), Event.ofRun(EventType.LOCK_LOST, Hal9MigrateException.oneLine(lost.getMessage())));
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(LockedExecution.class).debug("could not record the lost lock: {}", e.getMessage());
    }
  }

  /** The first attempt ends this process's start on an embedded H2 file (see H2Startup); then it waits, if asked to. */
  private static Lease acquire(Engine engine, String command) {
    Duration lease = engine.settings().lease();
    Duration wait = engine.settings().lockWait();
    try {
      return engine.store().lock().acquire(command, lease, Duration.ZERO);
    } catch (LockHeldException held) {
      if (wait.isZero()) {
        throw held;
      }
    } finally {
      engine.started();
    }
    return engine.store().lock().acquire(command, lease, wait);
  }
}
