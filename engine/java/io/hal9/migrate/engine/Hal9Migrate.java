package io.hal9.migrate.engine;

import io.hal9.migrate.checkpoints.CheckpointStore;
import io.hal9.migrate.checkpoints.CheckpointWriter;
import io.hal9.migrate.checkpoints.HistoryEntry;
import io.hal9.migrate.checkpoints.Lease;
import io.hal9.migrate.checkpoints.LockHeldException;
import io.hal9.migrate.checkpoints.LockHolder;
import io.hal9.migrate.checkpoints.LockLostException;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.checkpoints.StepState;
import io.hal9.migrate.checkpoints.Databases;
import io.hal9.migrate.engine.ProgressListener.StepInfo;
import io.hal9.migrate.engine.plan.Plan;
import io.hal9.migrate.engine.plan.PlanVersion;
import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.plan.VersionNumber;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine, as a library: {@code Hal9Migrate.configure().dataSource(ds).plans(dir).load().migrate()}.
 * Every command of the CLI is one method here.
 */
public final class Hal9Migrate implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Hal9Migrate.class);

  private final Configuration config;
  private final Plan plan;
  private final Map<String, StepType> types;
  private final DataSource dataSource;
  private final boolean ownsDataSource;
  private final CheckpointStore store;
  private final DSLContext dsl;
  private final H2Startup startup;
  private volatile boolean stopRequested;

  Hal9Migrate(Configuration config, Plan plan, Map<String, StepType> types, DataSource dataSource, boolean ownsDataSource) {
    this(config, plan, types, dataSource, ownsDataSource, H2Startup.NONE);
  }

  Hal9Migrate(Configuration config, Plan plan, Map<String, StepType> types, DataSource dataSource, boolean ownsDataSource,
      H2Startup startup) {
    this.startup = startup;
    this.config = config;
    this.plan = plan;
    this.types = types;
    this.dataSource = dataSource;
    this.ownsDataSource = ownsDataSource;
    try {
      this.store = CheckpointStore.on(dataSource);
      this.dsl = Databases.dsl(dataSource, store.dialect());
    } catch (RuntimeException e) {
      close();
      throw new Hal9MigrateException(ErrorCode.DB_UNREACHABLE, DataSources.oneLine(e.getMessage()), e);
    }
  }

  public static Configuration configure() {
    return new Configuration();
  }

  public Plan plan() {
    return plan;
  }

  /** Asks a running command to stop at the next batch boundary, after saving its checkpoint. */
  public void stop() {
    stopRequested = true;
  }

  /**
   * Applies every pending version up to the configured target, resuming an interrupted step from its cursor.
   *
   * @throws Hal9MigrateException LOCKED, CHECKSUM_MISMATCH, HISTORY_MISMATCH, STEP_FAILED, LOCK_LOST, STOPPED
   */
  public MigrateResult migrate() {
    VersionNumber target = target();
    Preflight preflight = new Preflight(types, dsl);
    Set<String> checkedLater = preflight.upFront(pending(target, store.steps()));
    store.initialize();
    return locked("run", lease -> {
      // Read once: each step is visited once, so what the run does need not be read back.
      Map<String, StepCheckpoint> checkpoints = store.steps();
      Drift.between(plan, checkpoints).failIfAny();
      CheckpointWriter writer = store.writer(lease);
      List<StepOutcome> outcomes = new ArrayList<>();
      List<String> applied = new ArrayList<>();
      Map<String, String> lastActions = lastActions(store.history());
      for (PlanVersion version : plan.upTo(target)) {
        long started = System.nanoTime();
        List<StepDefinition> pending = new ArrayList<>();
        for (StepDefinition definition : version.steps()) {
          StepCheckpoint checkpoint = checkpoints.get(definition.id());
          if (checkpoint != null && checkpoint.state() == StepState.ROLLING_BACK) {
            throw new Hal9MigrateException(ErrorCode.ROLLBACK_INCOMPLETE, "step '" + definition.id() + "' of version "
                + version.version() + " is half rolled back; finish with 'rollback --to <version>' before running again");
          }
          if (checkpoint == null || checkpoint.state() != StepState.DONE) {
            pending.add(definition);
          }
        }
        if (pending.isEmpty() && HistoryEntry.APPLY.equals(lastActions.get(version.version().toString()))) {
          continue;
        }
        // The version's history line commits with its last step's last checkpoint: one transaction less a version.
        java.util.function.Consumer<DSLContext> record = tx -> writer.recorded(tx, entry(version, HistoryEntry.APPLY,
            Duration.ofNanos(System.nanoTime() - started).toMillis()));
        for (int i = 0; i < pending.size(); i++) {
          StepDefinition definition = pending.get(i);
          if (stopRequested) {
            throw new StopRequested();
          }
          if (checkedLater.contains(definition.id())) {
            preflight.justBefore(definition);
          }
          outcomes.add(runStep(definition, checkpoints.get(definition.id()), writer, i == pending.size() - 1 ? record : null));
        }
        if (pending.isEmpty()) {
          writer.inTransaction(tx -> {
            record.accept(tx);
            return null;
          });
        }
        applied.add(version.version().toString());
        log.info("version {} ({}) applied", version.version(), version.description());
      }
      return new MigrateResult(lease.runId(), false, outcomes, applied);
    });
  }

  /**
   * What {@link #migrate()} would do, without writing anything (not even the engine's tables); the pending steps
   * are checked against the database as a run would check them first.
   */
  public MigrateResult dryRun() {
    VersionNumber target = target();
    Map<String, StepCheckpoint> checkpoints = store.steps();
    Drift.between(plan, checkpoints).failIfAny();
    new Preflight(types, dsl).upFront(pending(target, checkpoints));
    List<StepOutcome> outcomes = new ArrayList<>();
    for (PlanVersion version : plan.upTo(target)) {
      for (StepDefinition step : version.steps()) {
        StepCheckpoint checkpoint = checkpoints.get(step.id());
        if (checkpoint == null || checkpoint.state() != StepState.DONE) {
          boolean resumes = checkpoint != null && checkpoint.state() != StepState.ROLLED_BACK && checkpoint.rows() > 0;
          outcomes.add(new StepOutcome(step.version().toString(), step.id(), step.type(),
              resumes ? "would resume" : "would run", resumes ? checkpoint.rows() : 0, Duration.ZERO));
        }
      }
    }
    return new MigrateResult(null, true, outcomes, List.of());
  }

  /** Checks the plan against what the database has applied. @throws Hal9MigrateException on drift */
  public Status validate() {
    Map<String, StepCheckpoint> checkpoints = store.steps();
    Drift.between(plan, checkpoints).failIfAny();
    return status(checkpoints);
  }

  /**
   * Also checks the pending steps against the live database, as {@code run} does before its first write.
   *
   * @return the ids of pending steps that can only be checked when they run (an earlier pending step may change
   *     the schema they use)
   * @throws Hal9MigrateException PLAN_INVALID naming each mismatch, or on drift
   */
  public List<String> validateDatabase() {
    Map<String, StepCheckpoint> checkpoints = store.steps();
    Drift.between(plan, checkpoints).failIfAny();
    return List.copyOf(new Preflight(types, dsl).upFront(pending(null, checkpoints)));
  }

  /** The steps a run up to {@code target} would start or resume, in order. */
  private List<StepDefinition> pending(VersionNumber target, Map<String, StepCheckpoint> checkpoints) {
    List<StepDefinition> pending = new ArrayList<>();
    for (PlanVersion version : plan.upTo(target)) {
      for (StepDefinition step : version.steps()) {
        StepCheckpoint checkpoint = checkpoints.get(step.id());
        if (checkpoint == null || checkpoint.state() != StepState.DONE) {
          pending.add(step);
        }
      }
    }
    return pending;
  }

  public Status status() {
    return status(store.steps());
  }

  private Status status(Map<String, StepCheckpoint> checkpoints) {
    List<Status.VersionStatus> versions = new ArrayList<>();
    for (PlanVersion version : plan.versions()) {
      List<Status.StepStatus> steps = new ArrayList<>();
      for (StepDefinition step : version.steps()) {
        StepCheckpoint checkpoint = checkpoints.get(step.id());
        steps.add(checkpoint == null
            ? new Status.StepStatus(step.id(), step.type(), StepState.PENDING.label(), 0, 0, null, null)
            : new Status.StepStatus(step.id(), step.type(), checkpoint.state().label(), checkpoint.rows(),
                checkpoint.attempts(), checkpoint.error(), checkpoint.counters()));
      }
      versions.add(new Status.VersionStatus(version.version().toString(), version.description(),
          versionState(steps), steps));
    }
    return new Status(versions, store.initialized() ? store.lock().holder() : Optional.empty());
  }

  public List<HistoryEntry> history() {
    return store.history();
  }

  /**
   * Undoes every applied version after {@code to}, newest first, each step in reverse order. Refuses before
   * touching anything when one of those steps has no undo.
   */
  public RollbackResult rollback(String to) {
    VersionNumber target = parse(to, "--to");
    store.initialize();
    return locked("rollback", lease -> {
      Map<String, StepCheckpoint> checkpoints = store.steps();
      Drift.between(plan, checkpoints).failIfAny();
      List<PlanVersion> versions = new ArrayList<>(plan.versions().stream()
          .filter(v -> v.version().compareTo(target) > 0).toList());
      java.util.Collections.reverse(versions);
      List<String> refusals = new ArrayList<>();
      for (PlanVersion version : versions) {
        for (StepDefinition definition : version.steps()) {
          StepCheckpoint checkpoint = checkpoints.get(definition.id());
          Step step = types.get(definition.type()).create(definition);
          if (checkpoint == null || !checkpoint.applied() || step.undoable()) {
            continue;
          }
          refusals.add(definition.where() + " (" + definition.type() + ", " + checkpoint.state().label() + ") has no undo");
        }
      }
      if (!refusals.isEmpty()) {
        throw new Hal9MigrateException(ErrorCode.ROLLBACK_REFUSED,
            "cannot roll back to " + target + ": " + refusals.get(0) + (refusals.size() > 1 ? " (and " + (refusals.size() - 1) + " more)" : "")
                + "; nothing was changed", refusals, null);
      }
      CheckpointWriter writer = store.writer(lease);
      List<String> undoneVersions = new ArrayList<>();
      List<String> undoneSteps = new ArrayList<>();
      for (PlanVersion version : versions) {
        long started = System.nanoTime();
        boolean touched = false;
        List<StepDefinition> steps = new ArrayList<>(version.steps());
        java.util.Collections.reverse(steps);
        for (StepDefinition definition : steps) {
          StepCheckpoint checkpoint = checkpoints.get(definition.id());
          if (checkpoint == null || !checkpoint.applied()) {
            continue;
          }
          Step step = types.get(definition.type()).create(definition);
          undoStep(step, definition, checkpoint, writer);
          undoneSteps.add(definition.id());
          touched = true;
          log.info("step {} of version {} rolled back", definition.id(), version.version());
        }
        if (touched) {
          long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
          writer.inTransaction(tx -> {
            writer.recorded(tx, entry(version, HistoryEntry.ROLLBACK, millis));
            return null;
          });
          undoneVersions.add(version.version().toString());
        }
      }
      return new RollbackResult(target.toString(), undoneVersions, undoneSteps);
    });
  }

  /** Realigns the database's record with the plans: accepts edited steps and/or forgets removed ones. */
  public RepairResult repair(boolean acceptChanged, boolean forgetMissing) {
    store.initialize();
    return locked("repair", lease -> {
      Drift drift = Drift.between(plan, store.steps());
      CheckpointWriter writer = store.writer(lease);
      List<String> accepted = new ArrayList<>();
      List<String> forgotten = new ArrayList<>();
      List<String> remaining = new ArrayList<>();
      writer.inTransaction(tx -> {
        for (StepDefinition step : drift.changed()) {
          if (acceptChanged) {
            writer.checksumAccepted(tx, step.id(), step.checksum());
            accepted.add(step.id());
          } else {
            remaining.add("step '" + step.id() + "' changed since it was applied (use --accept-changed)");
          }
        }
        for (StepCheckpoint missing : drift.missing()) {
          if (forgetMissing) {
            writer.forgotten(tx, missing.stepId());
            forgotten.add(missing.stepId());
          } else {
            remaining.add("step '" + missing.stepId() + "' is no longer in the plans (use --forget-missing)");
          }
        }
        return null;
      });
      return new RepairResult(accepted, forgotten, remaining);
    });
  }

  /** Releases the run lock by hand; its holder, if still alive, can commit nothing afterwards. */
  public Optional<LockHolder> unlock() {
    if (!store.initialized()) {
      return Optional.empty();
    }
    return store.lock().forceRelease();
  }

  @Override
  public void close() {
    if (ownsDataSource && dataSource instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.debug("closing the pool failed", e);
      }
    }
    startup.close(); // after the pool: the next process must not become a client of a server about to go
  }

  /** @param onDone written in the transaction that marks the step done (the version's history line), or null */
  private StepOutcome runStep(StepDefinition definition, StepCheckpoint checkpoint, CheckpointWriter writer,
      java.util.function.Consumer<DSLContext> onDone) {
    Step step = types.get(definition.type()).create(definition);
    java.util.function.Consumer<DSLContext> startedMark = tx -> writer.started(tx, definition.id(),
        definition.version().toString(), definition.type(), definition.checksum());
    StepRun run = new StepRun(definition, checkpoint, StepState.DONE, writer, writer.fencedDataSource(), dsl, config.progress(),
        () -> stopRequested);
    run.onDone(onDone);
    if (step.atomic()) {
      // All or nothing in one transaction: the mark that it started commits with it (or with its failure).
      run.firstWriteBegins(startedMark);
    } else {
      writer.inTransaction(tx -> {
        startedMark.accept(tx);
        return null;
      });
    }
    StepInfo info = run.info();
    long started = System.nanoTime();
    config.progress().stepStarted(info, run.rows());
    log.info("step {} ({}) of version {} {}", definition.id(), definition.type(), definition.version(),
        run.cursor() == null ? "started" : "resumed after " + run.rows() + " rows");
    try {
      step.run(run);
      if (!run.completed()) {
        run.complete(tx -> Batch.of(run.cursor(), 0));
      }
    } catch (StopRequested e) {
      finished(info, "stopped", run.rows(), started);
      throw e;
    } catch (LockLostException e) {
      finished(info, "stopped", run.rows(), started);
      throw committedSoFar(e, definition, run);
    } catch (Exception e) {
      LockLostException lost = causeOf(e, LockLostException.class);
      if (lost == null) {
        // A runner that lost its lock often fails in its batch before reaching the fence: cut off by the new
        // holder (broken connection), or inserting rows that holder already wrote (duplicate key). That is
        // LOCK_LOST (exit 3), not a step failure, and it must not record one.
        lost = writer.lostLock().orElse(null);
        if (lost != null) {
          lost.addSuppressed(e);
          finished(info, "stopped", run.rows(), started);
        }
      }
      if (lost != null) {
        throw committedSoFar(lost, definition, run);
      }
      String message = Secrets.redact(DataSources.oneLine(rootMessage(e)), config.password());
      try {
        writer.failed(definition.id(), message, run.firstWriteBegins());
      } catch (RuntimeException secondary) {
        // The failure record is fenced too: when the lease's connection could not tell (PostgreSQL ends it on
        // takeover), this is where a lost lock shows.
        LockLostException lostMeanwhile = causeOf(secondary, LockLostException.class);
        if (lostMeanwhile != null) {
          lostMeanwhile.addSuppressed(e);
          finished(info, "stopped", run.rows(), started);
          throw committedSoFar(lostMeanwhile, definition, run);
        }
        e.addSuppressed(secondary);
      }
      finished(info, StepState.FAILED.label(), run.rows(), started);
      // A step may fail with a code of its own (a health check: exit 5); any other failure is STEP_FAILED.
      Hal9MigrateException own = e instanceof Hal9MigrateException coded ? coded : null;
      throw new Hal9MigrateException(own == null ? ErrorCode.STEP_FAILED : own.code(), "step '" + definition.id() + "' ("
          + definition.file().getFileName() + ") failed: " + message + "; the checkpoint is kept, run again to resume",
          own == null ? List.of() : own.details(), e);
    }
    Duration elapsed = finished(info, StepState.DONE.label(), run.rows(), started);
    return new StepOutcome(info.version(), info.id(), info.type(), StepState.DONE.label(), run.rows(), elapsed);
  }

  /**
   * The loss, saying what the step had committed: its checkpoint (the rows of its committed batches) stays, the work
   * in flight did not commit. A step that committed on its own (Flyway) said it already.
   */
  private static LockLostException committedSoFar(LockLostException lost, StepDefinition definition, StepRun run) {
    if (lost.getCause() instanceof LockLostException) {
      return lost;
    }
    return lost.committed("step '" + definition.id() + "' had committed " + run.rows() + " rows (its last checkpoint),"
        + " which stay; what it was writing when the lock was lost was not committed");
  }

  private Duration finished(StepInfo info, String state, long rows, long startedNanos) {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startedNanos);
    config.progress().stepFinished(info, state, rows, elapsed);
    log.info("step {} {}: {} rows in {} ms", info.id(), state, rows, elapsed.toMillis());
    return elapsed;
  }

  /**
   * Undoes one step under an undo checkpoint of its own, so an interrupted rollback resumes. A step whose
   * work is atomic and never completed left nothing behind: it is only marked rolled back.
   */
  private void undoStep(Step step, StepDefinition definition, StepCheckpoint checkpoint, CheckpointWriter writer) {
    StepRun run = new StepRun(definition, checkpoint, StepState.ROLLED_BACK, writer, writer.fencedDataSource(), dsl, config.progress(),
        () -> stopRequested);
    writer.inTransaction(tx -> {
      writer.rollingBack(tx, definition.id());
      return null;
    });
    boolean effective = checkpoint.state() != StepState.RUNNING && checkpoint.state() != StepState.FAILED || !step.atomic();
    try {
      if (effective) {
        step.undo(run);
      }
      if (!run.completed()) {
        run.complete(tx -> Batch.of(run.cursor(), 0));
      }
    } catch (StopRequested | LockLostException | Hal9MigrateException e) {
      throw e;
    } catch (Exception e) {
      LockLostException lost = causeOf(e, LockLostException.class);
      if (lost != null) {
        throw lost;
      }
      throw new Hal9MigrateException(ErrorCode.STEP_FAILED, "undo of step '" + definition.id() + "' failed: "
          + Secrets.redact(DataSources.oneLine(rootMessage(e)), config.password())
          + "; its last undo batch was not committed, run the rollback again to resume", e);
    }
  }

  /** Runs {@code work} holding the run lock, and maps lock trouble and stops to their error codes. */
  private <T> T locked(String command, java.util.function.Function<Lease, T> work) {
    Lease lease;
    try {
      lease = acquire(command);
    } catch (LockHeldException e) {
      LockHolder holder = e.holder();
      throw new Hal9MigrateException(ErrorCode.LOCKED, "database is locked by a live run on " + holder.host()
          + " (pid " + holder.pid() + ") since " + holder.since() + "; wait with --wait-lock SECONDS, or 'unlock' if that run is gone",
          List.of("host=" + holder.host(), "pid=" + holder.pid(), "since=" + holder.since(), "epoch=" + holder.epoch()), e);
    }
    String outcome = "failed";
    try {
      T result = work.apply(lease);
      outcome = "done";
      return result;
    } catch (StopRequested e) {
      outcome = "stopped";
      throw new Hal9MigrateException(ErrorCode.STOPPED, "stopped at a batch boundary; the checkpoint is saved, run again to resume", e);
    } catch (LockLostException e) {
      outcome = "lock_lost";
      throw new Hal9MigrateException(ErrorCode.LOCK_LOST, e.getMessage(), e);
    } catch (RuntimeException e) {
      LockLostException lost = causeOf(e, LockLostException.class);
      if (lost != null) {
        outcome = "lock_lost";
        throw new Hal9MigrateException(ErrorCode.LOCK_LOST, lost.getMessage(), e);
      }
      throw e;
    } finally {
      lease.close(outcome);
    }
  }

  /** Takes the run lock; the first attempt ends this process's start on an embedded H2 file (see H2Startup). */
  private Lease acquire(String command) {
    try {
      return store.lock().acquire(command, config.lease(), Duration.ZERO);
    } catch (LockHeldException held) {
      if (config.lockWait().isZero()) {
        throw held;
      }
    } finally {
      startup.close();
    }
    return store.lock().acquire(command, config.lease(), config.lockWait());
  }

  private HistoryEntry entry(PlanVersion version, String action, long millis) {
    return new HistoryEntry(0, version.version().toString(), version.description(), version.script(), action,
        version.checksum(), null, null, null, millis);
  }

  /** Each version's last history action (apply or rollback). */
  private static Map<String, String> lastActions(List<HistoryEntry> history) {
    Map<String, String> last = new java.util.HashMap<>();
    history.forEach(entry -> last.put(entry.version(), entry.action()));
    return last;
  }

  static String versionState(List<Status.StepStatus> steps) {
    Supplier<java.util.stream.Stream<String>> states = () -> steps.stream().map(Status.StepStatus::state);
    if (states.get().allMatch("done"::equals)) {
      return "done";
    }
    if (states.get().anyMatch("failed"::equals)) {
      return "failed";
    }
    if (states.get().anyMatch(s -> s.equals("running") || s.equals("done") || s.equals("rolling_back"))) {
      return "running";
    }
    if (states.get().allMatch("rolled_back"::equals)) {
      return "rolled_back";
    }
    return "pending";
  }

  private VersionNumber target() {
    return config.target() == null ? null : parse(config.target(), "--target");
  }

  private static VersionNumber parse(String version, String option) {
    if (!VersionNumber.isValid(version)) {
      throw new Hal9MigrateException(ErrorCode.USAGE, option + " " + version + ": not a version (expected e.g. 2 or 1.1)");
    }
    return VersionNumber.parse(version);
  }

  private static <X extends Throwable> X causeOf(Throwable e, Class<X> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}
