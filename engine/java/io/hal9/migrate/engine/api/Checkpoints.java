package io.hal9.migrate.engine.api;

import io.hal9.migrate.checkpoints.CheckpointStore;
import io.hal9.migrate.checkpoints.Databases;
import io.hal9.migrate.engine.internal.database.Database;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What the engine's tables in a database say, read without a plan: for health checks, monitoring and dashboards
 * that watch runs they did not start. Reads only; a database no run has used has nothing to say.
 */
public final class Checkpoints {
  private final CheckpointStore store;

  private Checkpoints(CheckpointStore store) {
    this.store = store;
  }

  public static Checkpoints of(DataSource dataSource) {
    Database database = Database.of(Databases.dialect(dataSource));
    return new Checkpoints(CheckpointStore.on(dataSource, database.dialect(), database.locks()));
  }

  /** Whether any run has used the database (the engine's tables exist). */
  public boolean initialized() {
    return store.initialized();
  }

  /** The database's clock, the one checkpoint times are written with. */
  public LocalDateTime now() {
    return store.now();
  }

  /** One step's checkpoint: where it stands, its progress, and when it last committed one. */
  public record StepRecord(String id, String version, String type, StepState state, long rows, int attempts, String error,
      String counters, LocalDateTime startedAt, LocalDateTime updatedAt, LocalDateTime finishedAt) {}

  /** Every step the database has a checkpoint of, in the order they first started. */
  public List<StepRecord> steps() {
    return store.steps().values().stream().map(c -> new StepRecord(c.stepId(), c.version(), c.type(),
        StepState.valueOf(c.state().name()), c.rows(), c.attempts(), c.error(), c.counters(), c.startedAt(), c.updatedAt(),
        c.finishedAt())).toList();
  }

  /** Who holds the run lock, if anyone. */
  public Optional<LockInfo> lock() {
    return store.initialized() ? store.lock().holder().map(h -> new LockInfo(h.epoch(), h.runId(), h.host(), h.pid(),
        h.since(), h.heartbeat(), h.leaseUntil(), h.deadBecause())) : Optional.empty();
  }
}
