package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.constraint;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.jsonObject;
import static org.jooq.impl.DSL.key;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Creates and upgrades the engine's tables through Flyway, under their own history table so they never mix
 * with the user's Flyway history. The DDL is jOOQ's, so H2 and PostgreSQL share one definition.
 */
public final class EngineSchema {
  public static final String HISTORY_TABLE = "hal9_schema_history";
  /** The longest row key (as JSON) a snapshot or reject keeps. */
  static final int ROW_KEY_LENGTH = 2000;
  /**
   * The widths of the columns that hold what a plan names: the plan loader refuses a longer value before any
   * write, rather than the database after a step committed. The migrations below spell out their own widths
   * (they are history): changing one here takes a new migration that alters the column.
   */
  public static final int VERSION_LENGTH = 50;
  public static final int DESCRIPTION_LENGTH = 200;
  public static final int SCRIPT_LENGTH = 255;
  public static final int STEP_ID_LENGTH = 200;
  public static final int STEP_TYPE_LENGTH = 64;

  private EngineSchema() {}

  /** How long a first run waits for another process that is creating the engine's tables at the same moment. */
  private static final Duration CONCURRENT_CREATION = Duration.ofSeconds(10);

  static void migrate(DataSource dataSource) {
    JavaMigration[] migrations = {new V1__Engine_tables(), new V2__Row_snapshots_and_rejects(), new V3__Typed_row_keys(),
        new V4__Opaque_snapshots_and_undo_records(), new V5__Snapshots_compressed_with_lz4(), new V6__Events_pause_and_progress(),
        new V7__Routing_and_flags(), new V8__Partitions()};
    if (upToDate(dataSource, migrations)) {
      return;
    }
    Flyway flyway = Flyway.configure()
        .dataSource(dataSource)
        .table(HISTORY_TABLE)
        .locations(new String[0]) // no scanning: the engine's migrations are the Java classes below
        .javaMigrations(migrations)
        .baselineOnMigrate(true) // the target database usually holds the user's tables already
        .baselineVersion("0")
        .load();
    // Flyway's lock on H2 is a SELECT ... FOR UPDATE over its history table, which locks nothing while the table is
    // still empty: two first runs in one JVM would both apply V1, and H2 records the loser as a failed migration.
    synchronized (EngineSchema.class) {
      migrateRetrying(flyway);
    }
  }

  private static void migrateRetrying(Flyway flyway) {
    long giveUp = System.nanoTime() + CONCURRENT_CREATION.toNanos();
    while (true) {
      try {
        flyway.migrate();
        return;
      } catch (FlywayException e) {
        // Flyway locks its history table only once the table exists: two first runs can both see none, and the
        // one that creates it second, or finds it still empty, fails. Once the first has baselined, Flyway's
        // own lock orders the rest, so the loser tries again.
        if (System.nanoTime() > giveUp || !creatingConcurrently(e)) {
          throw e;
        }
        pause();
      }
    }
  }

  /**
   * Whether every migration below is applied already, read with one query: what nearly every start finds, and
   * Flyway's own start (its configuration, its history table's lock, its validation) costs a resume about 0.4 s.
   */
  private static boolean upToDate(DataSource dataSource, JavaMigration[] migrations) {
    List<String> versions = Stream.of(migrations).map(m -> m.getVersion().getVersion()).toList();
    try (Connection connection = dataSource.getConnection()) {
      return Databases.dsl(connection).selectCount()
          .from(table(name(HISTORY_TABLE)))
          .where(field(name("success"), Boolean.class).isTrue().and(field(name("version"), String.class).in(versions)))
          .fetchOne(0, int.class) == versions.size();
    } catch (SQLException | DataAccessException noHistoryYet) {
      return false;
    }
  }

  /**
   * Whether a cause of the failure is another first run's work: a table it created (both databases), or on H2 a
   * table it holds locked or changed under this one. Flyway wraps the driver's error one or two levels down.
   */
  private static boolean creatingConcurrently(FlywayException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      if (message.contains("already exists") || message.contains("Timeout trying to lock table")
          || message.contains("Concurrent update")) {
        return true;
      }
    }
    return false;
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while another process creates the engine's tables", interrupted);
    }
  }

  static final class V1__Engine_tables extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
      DSLContext dsl = Databases.dsl(context.getConnection());
      dsl.createTable(LOCK)
          .column(LOCK_ID, SQLDataType.INTEGER.notNull())
          .column(LOCK_EPOCH, SQLDataType.BIGINT.notNull())
          .column(LOCK_RUN)
          .column(LOCK_HOST)
          .column(LOCK_PID)
          .column(LOCK_SINCE)
          .column(LOCK_HEARTBEAT)
          .column(LOCK_LEASE_UNTIL)
          .constraint(constraint("hal9_lock_pk").primaryKey(LOCK_ID))
          .execute();
      dsl.insertInto(LOCK, LOCK_ID, LOCK_EPOCH).values(inline(1), inline(0L)).execute();

      dsl.createTable(RUNS)
          .column(RUN_ID, SQLDataType.VARCHAR(64).notNull())
          .column(RUN_COMMAND)
          .column(RUN_HOST)
          .column(RUN_PID)
          .column(RUN_EPOCH)
          .column(RUN_STATE)
          .column(RUN_STARTED)
          .column(RUN_HEARTBEAT)
          .column(RUN_FINISHED)
          .constraint(constraint("hal9_runs_pk").primaryKey(RUN_ID))
          .execute();

      dsl.createTable(STEPS)
          .column(STEP_ID, SQLDataType.VARCHAR(200).notNull())
          .column(STEP_VERSION, SQLDataType.VARCHAR(50).notNull())
          .column(STEP_TYPE, SQLDataType.VARCHAR(64).notNull())
          .column(STEP_CHECKSUM, SQLDataType.VARCHAR(64).notNull())
          .column(STEP_STATE, SQLDataType.VARCHAR(16).notNull())
          .column(STEP_CURSOR)
          .column(STEP_ROWS, SQLDataType.BIGINT.notNull())
          .column(STEP_COUNTERS)
          .column(STEP_ATTEMPTS, SQLDataType.INTEGER.notNull())
          .column(STEP_ERROR)
          .column(STEP_RUN)
          .column(STEP_STARTED)
          .column(STEP_UPDATED)
          .column(STEP_FINISHED)
          .constraint(constraint("hal9_steps_pk").primaryKey(STEP_ID))
          .execute();

      dsl.createTable(HISTORY)
          .column(HISTORY_RANK, SQLDataType.BIGINT.notNull().identity(true))
          .column(HISTORY_VERSION, SQLDataType.VARCHAR(50).notNull())
          .column(HISTORY_DESCRIPTION, SQLDataType.VARCHAR(200))
          .column(HISTORY_SCRIPT, SQLDataType.VARCHAR(255))
          .column(HISTORY_ACTION, SQLDataType.VARCHAR(16).notNull())
          .column(HISTORY_CHECKSUM)
          .column(HISTORY_RUN)
          .column(HISTORY_BY)
          .column(HISTORY_ON)
          .column(HISTORY_MILLIS)
          .constraint(constraint("hal9_history_pk").primaryKey(HISTORY_RANK))
          .execute();
    }
  }

  /** Per-row data of data steps: old values for an exact rollback, and rows a step rejected. */
  static final class V2__Row_snapshots_and_rejects extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
      DSLContext dsl = Databases.dsl(context.getConnection());
      dsl.createTable(SNAPSHOTS)
          .column(SNAPSHOT_STEP, SQLDataType.VARCHAR(200).notNull())
          .column(SNAPSHOT_KEY, SQLDataType.VARCHAR(200).notNull())
          .column(SNAPSHOT_OLD_STATE)
          .column(SNAPSHOT_OLD_VERSION)
          .column(SNAPSHOT_OLD_LAYER)
          .constraint(constraint("hal9_snapshots_pk").primaryKey(SNAPSHOT_STEP, SNAPSHOT_KEY))
          .execute();
      dsl.createTable(REJECTS)
          .column(REJECT_STEP, SQLDataType.VARCHAR(200).notNull())
          .column(REJECT_KEY, SQLDataType.VARCHAR(200).notNull())
          .column(REJECT_REASON)
          .column(REJECT_ON)
          .constraint(constraint("hal9_rejects_pk").primaryKey(REJECT_STEP, REJECT_KEY))
          .execute();
    }
  }

  /**
   * Row keys are kept as typed JSON arrays ({@code ["acme", "00004420-..."]}): a composite or text key needs more
   * room than an integer. Widening a varchar is a catalog change on both databases, not a rewrite.
   */
  static final class V3__Typed_row_keys extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
      DSLContext dsl = Databases.dsl(context.getConnection());
      dsl.alterTable(SNAPSHOTS).alter(SNAPSHOT_KEY).set(SQLDataType.VARCHAR(ROW_KEY_LENGTH)).execute();
      dsl.alterTable(REJECTS).alter(REJECT_KEY).set(SQLDataType.VARCHAR(ROW_KEY_LENGTH)).execute();
    }
  }

  /**
   * The checkpoint tables stop knowing what steps keep: a snapshot holds one before-value, written and read by its
   * step (the neuron-state step's state, version and layer become one JSON object), and a step's undo record (what
   * it must put back on rollback) gets a column of its own beside its counters. The one step type that kept its undo
   * record in its counters before is {@code scale}.
   */
  static final class V4__Opaque_snapshots_and_undo_records extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
      DSLContext dsl = Databases.dsl(context.getConnection());
      dsl.alterTable(SNAPSHOTS).addColumn(SNAPSHOT_BEFORE).execute();
      dsl.update(SNAPSHOTS)
          .set(SNAPSHOT_BEFORE, jsonObject(key("state").value(SNAPSHOT_OLD_STATE), key("version").value(SNAPSHOT_OLD_VERSION),
              key("layer").value(SNAPSHOT_OLD_LAYER)).cast(SQLDataType.VARCHAR))
          .where(SNAPSHOT_STEP.in(select(STEP_ID).from(STEPS).where(STEP_TYPE.eq("neuron-state"))))
          .execute();
      dsl.update(SNAPSHOTS).set(SNAPSHOT_BEFORE, SNAPSHOT_OLD_STATE).where(SNAPSHOT_BEFORE.isNull()).execute();
      dsl.alterTable(SNAPSHOTS).dropColumn(SNAPSHOT_OLD_STATE).execute();
      dsl.alterTable(SNAPSHOTS).dropColumn(SNAPSHOT_OLD_VERSION).execute();
      dsl.alterTable(SNAPSHOTS).dropColumn(SNAPSHOT_OLD_LAYER).execute();

      dsl.alterTable(STEPS).addColumn(STEP_UNDO).execute();
      dsl.update(STEPS).set(STEP_UNDO, STEP_COUNTERS).setNull(STEP_COUNTERS).where(STEP_TYPE.eq("scale")).execute();
    }
  }

  /**
   * A batch's snapshots are one record of some hundred kilobytes, which PostgreSQL compresses as it stores it; its
   * default compression, pglz, cost a 1,000-row batch of neuron states about 20 ms, more than the rest of the
   * snapshot, where lz4 costs next to nothing at about the same size. New values only: older ones stay readable as
   * they are. H2 keeps no such storage setting, and a PostgreSQL built without lz4 keeps pglz.
   */
  static final class V5__Snapshots_compressed_with_lz4 extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
      DSLContext dsl = Databases.dsl(context.getConnection());
      if (dsl.dialect().family() == SQLDialect.POSTGRES && dsl.fetchExists(
          DSL.selectOne().from(table(name("pg_settings")))
              .where(field(name("name")).eq("default_toast_compression")
                  .and(DSL.condition("'lz4' = any({0})", field(name("enumvals"))))))) {
        dsl.execute("alter table {0} alter column {1} set compression lz4", SNAPSHOTS, SNAPSHOT_BEFORE.getUnqualifiedName());
      }
    }
  }

  /**
   * What operators watch and steer from any machine: the events of every run, a pause that outlives the run that
   * saw it, and a step's expected rows and why it holds back, for progress, ETA and throttling in {@code status}.
   */
  static final class V7__Routing_and_flags extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
      DSLContext dsl = Databases.dsl(context.getConnection());
      dsl.createTable(ROUTING)
          .column(ROUTING_ID, SQLDataType.INTEGER.notNull())
          .column(ROUTING_PHASE, SQLDataType.VARCHAR(32))
          .column(ROUTING_HIERARCHICAL, SQLDataType.INTEGER.notNull())
          .column(ROUTING_MIRRORED, SQLDataType.BOOLEAN.notNull())
          .column(ROUTING_UPDATED)
          .column(ROUTING_ABORT, SQLDataType.VARCHAR(255))
          .constraint(constraint("hal9_routing_pk").primaryKey(ROUTING_ID))
          .execute();
      dsl.insertInto(ROUTING, ROUTING_ID, ROUTING_HIERARCHICAL, ROUTING_MIRRORED).values(inline(1), inline(0), inline(false)).execute();
      dsl.createTable(FLAGS)
          .column(FLAG_NAME, SQLDataType.VARCHAR(100).notNull())
          .column(FLAG_ENABLED, SQLDataType.BOOLEAN.notNull())
          .column(FLAG_PERCENTAGE, SQLDataType.INTEGER.notNull())
          .column(FLAG_UPDATED)
          .constraint(constraint("hal9_flags_pk").primaryKey(FLAG_NAME))
          .execute();
      dsl.createTable(ROUTING_HISTORY)
          .column(CHANGE_ID, SQLDataType.BIGINT.notNull().identity(true))
          .column(CHANGE_AT, SQLDataType.LOCALDATETIME.notNull())
          .column(CHANGE_SUBJECT, SQLDataType.VARCHAR(120).notNull())
          .column(CHANGE_FROM, SQLDataType.VARCHAR(100))
          .column(CHANGE_TO, SQLDataType.VARCHAR(100))
          .column(CHANGE_BY, SQLDataType.VARCHAR(255))
          .column(CHANGE_RUN, SQLDataType.VARCHAR(64))
          .column(CHANGE_STEP, SQLDataType.VARCHAR(200))
          .column(CHANGE_REASON, SQLDataType.VARCHAR(1000))
          .constraint(constraint("hal9_routing_history_pk").primaryKey(CHANGE_ID))
          .execute();
    }
  }

  static final class V6__Events_pause_and_progress extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
      DSLContext dsl = Databases.dsl(context.getConnection());
      dsl.createTable(EVENTS)
          .column(EVENT_ID, SQLDataType.BIGINT.notNull().identity(true))
          .column(EVENT_AT, SQLDataType.LOCALDATETIME.notNull())
          .column(EVENT_RUN, SQLDataType.VARCHAR(64))
          .column(EVENT_VERSION, SQLDataType.VARCHAR(50))
          .column(EVENT_STEP, SQLDataType.VARCHAR(200))
          .column(EVENT_TYPE, SQLDataType.VARCHAR(32).notNull())
          .column(EVENT_SEVERITY, SQLDataType.VARCHAR(16).notNull())
          .column(EVENT_MESSAGE, SQLDataType.VARCHAR)
          .constraint(constraint("hal9_events_pk").primaryKey(EVENT_ID))
          .execute();
      dsl.createIndex("hal9_events_at").on(EVENTS, EVENT_AT).execute();
      dsl.alterTable(STEPS).addColumn(STEP_EXPECTED).execute();
      dsl.alterTable(STEPS).addColumn(STEP_HELD, SQLDataType.VARCHAR(500)).execute();
      dsl.alterTable(LOCK).addColumn(LOCK_PAUSED_AT).execute();
      dsl.alterTable(LOCK).addColumn(LOCK_PAUSED_BY, SQLDataType.VARCHAR(255)).execute();
    }
  }

  /** Partitioned steps: each partition a key range with its own cursor, counters, owner, lease and epoch. */
  static final class V8__Partitions extends BaseJavaMigration {
    @Override
    public void migrate(Context context) {
      DSLContext dsl = Databases.dsl(context.getConnection());
      dsl.createTable(PARTITIONS)
          .column(PART_STEP, SQLDataType.VARCHAR(200).notNull())
          .column(PART_NO, SQLDataType.INTEGER.notNull())
          .column(PART_DIRECTION, SQLDataType.VARCHAR(8).notNull())
          .column(PART_LOWER)
          .column(PART_UPPER)
          .column(PART_STATE, SQLDataType.VARCHAR(16).notNull())
          .column(PART_CURSOR)
          .column(PART_ROWS, SQLDataType.BIGINT.notNull())
          .column(PART_EXPECTED)
          .column(PART_COUNTERS)
          .column(PART_EPOCH, SQLDataType.BIGINT.notNull())
          .column(PART_RUN)
          .column(PART_HOST)
          .column(PART_PID)
          .column(PART_LEASE_UNTIL)
          .column(PART_HEARTBEAT)
          .column(PART_CLAIMS, SQLDataType.INTEGER.notNull())
          .column(PART_UPDATED)
          .column(PART_FINISHED)
          .constraint(constraint("hal9_partitions_pk").primaryKey(PART_STEP, PART_NO))
          .execute();
    }
  }
}
