package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
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
  private final DSLContext dsl;

  private CheckpointStore(DataSource dataSource, SQLDialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.dsl = Databases.dsl(dataSource, dialect);
  }

  public static CheckpointStore on(DataSource dataSource) {
    return new CheckpointStore(dataSource, Databases.dialect(dataSource));
  }

  public SQLDialect dialect() {
    return dialect;
  }

  /** Creates or upgrades the engine's tables. Only commands that write call this. */
  public void initialize() {
    EngineSchema.migrate(dataSource);
  }

  /** True when the engine's tables exist; a database no run has touched has none. */
  public boolean initialized() {
    try (Connection connection = dataSource.getConnection()) {
      DatabaseMetaData meta = connection.getMetaData();
      for (String name : List.of(STEPS.getName(), STEPS.getName().toUpperCase(java.util.Locale.ROOT))) {
        try (ResultSet tables = meta.getTables(null, null, name, null)) {
          if (tables.next()) {
            return true;
          }
        }
      }
      return false;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the database's tables: " + e.getMessage(), e);
    }
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
    for (Record row : dsl.select(STEP_COLUMNS).from(STEPS).orderBy(STEP_STARTED, STEP_ID).fetch()) {
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
        row.get(HISTORY_ACTION),
        row.get(HISTORY_CHECKSUM),
        row.get(HISTORY_RUN),
        row.get(HISTORY_BY),
        row.get(HISTORY_ON),
        row.get(HISTORY_MILLIS) == null ? 0 : row.get(HISTORY_MILLIS)));
  }

  public RunLock lock() {
    return new RunLock(dataSource, dialect);
  }

  /** Writes on behalf of the holder of {@code lease}; each write fails once another runner took over. */
  public CheckpointWriter writer(Lease lease) {
    return new CheckpointWriter(dataSource, dsl, lease);
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
        row.get(STEP_ATTEMPTS),
        row.get(STEP_ERROR),
        row.get(STEP_RUN),
        row.get(STEP_STARTED),
        row.get(STEP_UPDATED),
        row.get(STEP_FINISHED));
  }
}
