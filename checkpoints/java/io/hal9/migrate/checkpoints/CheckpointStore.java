package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * The engine's memory in the target database: step checkpoints, applied-version history and the run lock.
 * Reading never creates anything, so {@code status} and {@code validate} leave a fresh database untouched.
 */
public final class CheckpointStore {
  private final DataSource dataSource;
  private final SQLDialect dialect;
  private final LockDialect locks;
  private final DSLContext dsl;
  private Consumer<Event> events = event -> {};

  private CheckpointStore(DataSource dataSource, SQLDialect dialect, LockDialect locks) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.locks = locks;
    this.dsl = Databases.dsl(dataSource, dialect);
  }

  /** @param locks how the run lock works on this database */
  public static CheckpointStore on(DataSource dataSource, SQLDialect dialect, LockDialect locks) {
    return new CheckpointStore(dataSource, dialect, locks);
  }

  /** Told of every event this process records, once it is committed (for the events metric). */
  public CheckpointStore onEvent(Consumer<Event> listener) {
    this.events = listener;
    return this;
  }

  /** Creates or upgrades the engine's tables. Only commands that write call this. */
  public void initialize() {
    EngineSchema.migrate(dataSource);
  }

  /** True when the engine's tables exist; a database no run has touched has none. */
  public boolean initialized() {
    return exists(STEPS, null);
  }

  /**
   * Whether the table, or its column, is in the connection's own schema, under the name as the database folds it:
   * engine tables another schema of the same database holds belong to another target.
   */
  private boolean exists(org.jooq.Table<?> table, Field<?> column) {
    try (Connection connection = dataSource.getConnection()) {
      DatabaseMetaData meta = connection.getMetaData();
      String catalog = connection.getCatalog();
      String schema = connection.getSchema();
      for (boolean upper : new boolean[] {false, true}) {
        String tableName = fold(table.getName(), upper);
        try (ResultSet found = column == null ? meta.getTables(catalog, schema, tableName, null)
            : meta.getColumns(catalog, schema, tableName, fold(column.getName(), upper))) {
          if (found.next()) {
            return true;
          }
        }
      }
      return false;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the database's tables: " + e.getMessage(), e);
    }
  }

  private static String fold(String name, boolean upper) {
    return upper ? name.toUpperCase(java.util.Locale.ROOT) : name;
  }

  /** The database's clock, the one checkpoint times are written with. */
  public LocalDateTime now() {
    return dsl.select(DSL.currentLocalDateTime()).fetchOne().value1();
  }

  /** Every step checkpoint by step id, in the order they were first started. */
  public Map<String, StepCheckpoint> steps() {
    Map<String, StepCheckpoint> steps = new LinkedHashMap<>();
    if (!initialized()) {
      return steps;
    }
    // Read-only commands do not upgrade the engine's tables: ones a version or two older lack the newest columns.
    Set<Field<?>> missing = new HashSet<>();
    if (!exists(STEPS, STEP_EXPECTED)) {
      missing.addAll(List.of(STEP_EXPECTED, STEP_HELD));
      if (!exists(STEPS, STEP_UNDO)) {
        missing.add(STEP_UNDO);
      }
    }
    List<Field<?>> columns = STEP_COLUMNS.stream()
        .map(c -> missing.contains(c) ? DSL.inline(null, c.getDataType()).as(c.getUnqualifiedName()) : c).toList();
    for (Record row : dsl.select(columns).from(STEPS).orderBy(STEP_STARTED, STEP_ID).fetch()) {
      StepCheckpoint checkpoint = checkpoint(row);
      steps.put(checkpoint.stepId(), checkpoint);
    }
    return steps;
  }

  public List<HistoryEntry> history() {
    if (!initialized()) {
      return List.of();
    }
    return dsl.select(HISTORY_COLUMNS).from(HISTORY).orderBy(HISTORY_RANK).fetch(row -> new HistoryEntry(
        row.get(HISTORY_RANK),
        row.get(HISTORY_VERSION),
        row.get(HISTORY_DESCRIPTION),
        row.get(HISTORY_SCRIPT),
        HistoryAction.of(row.get(HISTORY_ACTION)),
        row.get(HISTORY_CHECKSUM),
        row.get(HISTORY_RUN),
        row.get(HISTORY_BY),
        row.get(HISTORY_ON),
        row.get(HISTORY_MILLIS) == null ? 0 : row.get(HISTORY_MILLIS)));
  }

  public RunLock lock() {
    return new RunLock(dataSource, dialect, locks, events);
  }

  /** Writes on behalf of the holder of {@code lease}; each write fails once another runner took over. */
  public CheckpointWriter writer(Lease lease) {
    return new CheckpointWriter(dataSource, dsl, lease, locks, events);
  }

  /**
   * The events at or after {@code since} and after the event {@code afterId} (either may be null), oldest first,
   * the newest {@code limit} of them; none on a database the engine has not touched.
   */
  public List<EventEntry> events(LocalDateTime since, Long afterId, int limit) {
    if (!exists(EVENTS, null)) {
      return List.of();
    }
    return EventLog.read(dsl, since, afterId, limit);
  }

  /**
   * Records an event outside any checkpoint transaction, unfenced: what a runner that lost its lock, or a process
   * without the lock, has to say.
   */
  public void record(String runId, Event event) {
    dsl.transaction(cfg -> EventLog.insert(DSL.using(cfg), runId, event));
    EventLog.committed(List.of(event), events);
  }

  /**
   * Pauses the runs: the running step stops before its next batch and waits, holding its lock, until {@link
   * #resume}; a run that starts meanwhile waits before its first batch. From any process, with or without the lock.
   *
   * @return false when already paused (nothing written)
   */
  public boolean pause(String by) {
    return pauseChange(true, by);
  }

  /** @return false when not paused (nothing written) */
  public boolean resume(String by) {
    return pauseChange(false, by);
  }

  private boolean pauseChange(boolean pause, String by) {
    Event event = Event.ofRun(pause ? EventType.PAUSED : EventType.RESUMED, (pause ? "paused by " : "resumed by ") + by);
    boolean changed = dsl.transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      int updated = tx.update(LOCK)
          .set(LOCK_PAUSED_AT, pause ? DSL.currentLocalDateTime() : DSL.inline(null, LOCK_PAUSED_AT.getDataType()))
          .set(LOCK_PAUSED_BY, pause ? by : null)
          .where(LOCK_ID.eq(1).and(pause ? LOCK_PAUSED_AT.isNull() : LOCK_PAUSED_AT.isNotNull()))
          .execute();
      if (updated > 0) {
        EventLog.insert(tx, null, event);
      }
      return updated > 0;
    });
    if (changed) {
      EventLog.committed(List.of(event), events);
    }
    return changed;
  }

  /** Since when and by whom the runs are paused; empty while they are not (or on tables older than pausing). */
  public Optional<Pause> paused() {
    if (!initialized() || !exists(LOCK, LOCK_PAUSED_AT)) {
      return Optional.empty();
    }
    return pausedNow();
  }

  /** {@link #paused()} for a runner, whose tables are up to date: one query. */
  public Optional<Pause> pausedNow() {
    Record row = dsl.select(LOCK_PAUSED_AT, LOCK_PAUSED_BY).from(LOCK).where(LOCK_ID.eq(1)).fetchOne();
    return row == null || row.get(LOCK_PAUSED_AT) == null ? Optional.empty()
        : Optional.of(new Pause(row.get(LOCK_PAUSED_AT), row.get(LOCK_PAUSED_BY)));
  }

  /** The runs are paused since {@code at}, by {@code by} (a host and pid, or a name). */
  public record Pause(LocalDateTime at, String by) {}

  /** The routing HAL9 reads, as the tables hold it; no phase, no traffic and no flags on tables older than routing. */
  public RoutingState routing() {
    if (!initialized() || !exists(ROUTING, null)) {
      return new RoutingState(null, 0, false, new java.util.TreeMap<>());
    }
    return RoutingTable.read(dsl);
  }

  /**
   * Changes the routing outside any run ({@code flags set}), unfenced, with its history lines and event.
   *
   * @return the changes; none when the tables hold {@code target} already
   */
  public List<String> route(RoutingState target, String by, String reason) {
    List<Event> recorded = new java.util.ArrayList<>();
    List<String> changes = dsl.transactionResult(cfg -> {
      CheckpointTx tx = new CheckpointTx(DSL.using(cfg), null);
      List<String> c = tx.routed(target, by, null, null, reason, false);
      recorded.addAll(tx.events());
      return c;
    });
    EventLog.committed(recorded, events);
    return changes;
  }

  /** The newest {@code limit} changes of the routing and the flags, oldest first. */
  public List<RoutingChange> routingHistory(int limit) {
    return initialized() && exists(ROUTING_HISTORY, null) ? RoutingTable.history(dsl, limit) : List.of();
  }

  /**
   * Asks the running rollout step to go back to the previous phase at its next look ({@code rollout abort}).
   *
   * @return false when no rollout phase is on
   */
  public boolean requestAbort(String by) {
    Event event = Event.ofRun(EventType.ROLLOUT_ABORT_REQUESTED, "rollout abort requested by " + by);
    boolean requested = dsl.transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      boolean r = RoutingTable.requestAbort(tx, by);
      if (r) {
        EventLog.insert(tx, null, event);
      }
      return r;
    });
    if (requested) {
      EventLog.committed(List.of(event), events);
    }
    return requested;
  }

  /** Who asked for the rollout to be aborted and is not answered yet, or null. */
  public String abortRequestedBy() {
    return RoutingTable.abortRequestedBy(dsl);
  }

  /** The partitions of partitioned steps, and their claims. */
  public Partitions partitions() {
    return new Partitions(dataSource, dsl, locks, events);
  }

  /** Whether the engine's tables know partitions: read-only commands do not upgrade tables older than V8. */
  public boolean partitioned() {
    return exists(PARTITIONS, null);
  }

  /** The snapshots and rejects of one data step. */
  public RowRecords rows(String stepId) {
    return new RowRecords(dsl, stepId);
  }

  static StepCheckpoint checkpoint(Record row) {
    return new StepCheckpoint(
        row.get(STEP_ID),
        row.get(STEP_VERSION),
        row.get(STEP_TYPE),
        row.get(STEP_CHECKSUM),
        StepState.of(row.get(STEP_STATE)),
        row.get(STEP_CURSOR),
        row.get(STEP_ROWS),
        row.get(STEP_COUNTERS),
        row.get(STEP_UNDO),
        row.get(STEP_ATTEMPTS),
        row.get(STEP_ERROR),
        row.get(STEP_RUN),
        row.get(STEP_STARTED),
        row.get(STEP_UPDATED),
        row.get(STEP_FINISHED),
        row.get(STEP_EXPECTED) == null ? -1 : row.get(STEP_EXPECTED),
        row.get(STEP_HELD));
  }
}
