package io.hal9.migrate.engine.api;

import io.hal9.migrate.engine.internal.command.DryRunCommand;
import io.hal9.migrate.engine.internal.command.Engine;
import io.hal9.migrate.engine.internal.command.EventsCommand;
import io.hal9.migrate.engine.internal.command.HistoryCommand;
import io.hal9.migrate.engine.internal.command.MigrateCommand;
import io.hal9.migrate.engine.internal.command.WorkerCommand;
import io.hal9.migrate.engine.internal.command.PauseCommand;
import io.hal9.migrate.engine.internal.command.RoutingCommand;
import io.hal9.migrate.engine.internal.command.RepairCommand;
import io.hal9.migrate.engine.internal.command.RollbackCommand;
import io.hal9.migrate.engine.internal.command.StatusCommand;
import io.hal9.migrate.engine.internal.command.UnlockCommand;
import io.hal9.migrate.engine.internal.command.ValidateCommand;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

/**
 * The engine, as a library: {@code Hal9Migrate.configure().dataSource(ds).plans(dir).load().migrate()}. Each
 * method is one command of the CLI; failures are thrown as {@link Hal9MigrateException}, never returned.
 */
public final class Hal9Migrate implements AutoCloseable {
  private final Engine engine;

  Hal9Migrate(Engine engine) {
    this.engine = engine;
  }

  public static Configuration configure() {
    return new Configuration();
  }

  /**
   * Applies every pending version up to the configured target, resuming an interrupted step from its cursor.
   *
   * @throws Hal9MigrateException LOCKED, CHECKSUM_MISMATCH, HISTORY_MISMATCH, ROLLBACK_INCOMPLETE, PLAN_INVALID,
   *     STEP_FAILED (or a step's own code), LOCK_LOST, STOPPED
   */
  public MigrateResult migrate() {
    return new MigrateCommand(engine).execute();
  }

  /** What {@link #migrate()} would do, writing nothing; the pending steps are checked against the database. */
  public MigrateResult dryRun() {
    return new DryRunCommand(engine).execute();
  }

  /**
   * Undoes every applied version after {@code to}, newest first, each step in reverse order; refuses before touching
   * anything when one of those steps has no undo.
   *
   * @throws Hal9MigrateException USAGE (not a version), ROLLBACK_REFUSED, LOCKED, drift, STEP_FAILED, LOCK_LOST
   */
  public RollbackResult rollback(String to) {
    return new RollbackCommand(engine, Configuration.version(to)).execute();
  }

  /** Realigns the database's record with the plans: accepts edited steps and/or forgets removed ones. */
  public RepairResult repair(boolean acceptChanged, boolean forgetMissing) {
    return new RepairCommand(engine, acceptChanged, forgetMissing).execute();
  }

  /**
   * Works partitions of the plans' partitioned steps as runs split them, beside the runner and other workers, until the
   * plans have nothing left to run or nothing was there to claim for {@code idle}.
   *
   * @throws Hal9MigrateException STEP_FAILED, LOCK_LOST (a partition claimed by another after this worker's lease ran
   *     out), CHECKSUM_MISMATCH, STOPPED
   */
  public WorkResult work(java.time.Duration idle) {
    return new WorkerCommand(engine, idle).execute();
  }

  public Status status() {
    return new StatusCommand(engine).execute();
  }

  public List<HistoryLine> history() {
    return new HistoryCommand(engine).execute();
  }

  /** Checks the plan against what the database has applied. @throws Hal9MigrateException on drift */
  public Status validate() {
    return new ValidateCommand(engine).execute();
  }

  /**
   * Also checks the pending steps against the live database, as {@link #migrate()} does before its first write.
   *
   * @return the ids of pending steps that can only be checked when they run (an earlier one may change the schema)
   */
  public List<String> validateDatabase() {
    return new ValidateCommand(engine).againstDatabase();
  }

  /** The newest {@code limit} events at or after {@code since} (null: from the first), oldest first. */
  public List<Event> events(LocalDateTime since, int limit) {
    return new EventsCommand(engine).execute(since, null, limit);
  }

  /** The newest {@code limit} events of the last {@code window}, by the database's clock, oldest first. */
  public List<Event> events(Duration window, int limit) {
    return new EventsCommand(engine).within(window, limit);
  }

  /** The events recorded after the one with id {@code afterId}, oldest first, at most {@code limit}: for following them. */
  public List<Event> eventsAfter(long afterId, int limit) {
    return new EventsCommand(engine).execute(null, afterId, limit);
  }

  /**
   * Pauses the runs on this database, from any process: the running step stops before its next batch and waits,
   * keeping its lock; a run started meanwhile waits before its first batch.
   *
   * @return false when they were paused already
   */
  public boolean pause() {
    return new PauseCommand(engine).pause();
  }

  /** @return false when they were not paused */
  public boolean resume() {
    return new PauseCommand(engine).resume();
  }

  /** The routing HAL9 reads (phase, traffic, feature flags) as the target database holds it. */
  public Routing routing() {
    return new RoutingCommand(engine).routing();
  }

  /**
   * Sets the routing by hand (a flag, say), from any process, with a history line per change; what the cluster
   * holds is the caller's to publish.
   *
   * @return the changes, as "subject: from -> to"; none when the database held {@code routing} already
   */
  public List<String> route(Routing routing, String reason) {
    return new RoutingCommand(engine).route(routing, reason);
  }

  /** The newest {@code limit} changes of the routing and the flags, oldest first. */
  public List<RoutingChange> routingHistory(int limit) {
    return new RoutingCommand(engine).history(limit);
  }

  /**
   * Asks the running rollout step to put the previous phase's traffic and flags back now and stop (exit 5).
   *
   * @return false when no rollout phase is on
   */
  public boolean abortRollout() {
    return new RoutingCommand(engine).requestAbort();
  }

  /** Releases the run lock by hand; its holder, if still alive, can commit nothing afterwards. */
  public Optional<LockInfo> unlock() {
    return new UnlockCommand(engine).execute();
  }

  /** Asks a running command to stop at the next batch boundary, after saving its checkpoint. */
  public void stop() {
    engine.stop();
  }

  @Override
  public void close() {
    engine.close();
  }
}
