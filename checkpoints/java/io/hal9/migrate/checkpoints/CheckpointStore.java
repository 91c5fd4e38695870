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
    // Read-only commands do not upgrade the engine's tables: one a version older may lack the newest column.
    List<Field<?>> columns = exists(STEPS, STEP_UNDO) ? STEP_COLUMNS : STEP_COLUMNS.stream()
        .map(c -> c == STEP_UNDO ? DSL.inline(null, STEP_UNDO.getDataType()).as(STEP_UNDO.getUnqualifiedName()) : c).toList();
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
    return new RunLock(dataSource, dialect, locks);
  }

  /** Writes on behalf of the holder of {@code lease}; each write fails once another runner took over. */
  public CheckpointWriter writer(Lease lease) {
    return new CheckpointWriter(dataSource, dsl, lease, locks);
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
        row.get(STEP_FINISHED));
  }
}
