package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.CheckpointStore;
import io.hal9.migrate.checkpoints.Databases;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.internal.database.H2Startup;
import io.hal9.migrate.engine.internal.plan.Plan;
import io.hal9.migrate.engine.spi.StepType;
import java.util.Map;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.ExecuteType;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One plan opened on one database: what every command works with. */
public final class Engine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Engine.class);

  private final Settings settings;
  private final Plan plan;
  private final Map<String, StepType> types;
  private final DataSource dataSource;
  private final boolean ownsDataSource;
  private final H2Startup startup;
  private final Database database;
  private final CheckpointStore store;
  private final DSLContext reads;
  private volatile boolean stopRequested;

  private Engine(Settings settings, Plan plan, Map<String, StepType> types, DataSource dataSource, boolean ownsDataSource,
      H2Startup startup) {
    this.settings = settings;
    this.plan = plan;
    this.types = types;
    this.dataSource = dataSource;
    this.ownsDataSource = ownsDataSource;
    this.startup = startup;
    try {
      this.database = Database.of(Databases.dialect(dataSource));
    } catch (RuntimeException e) {
      close();
      throw new Hal9MigrateException(ErrorCode.DB_UNREACHABLE, Hal9MigrateException.oneLine(e.getMessage()), e);
    }
    this.store = CheckpointStore.on(dataSource, database.dialect(), database.locks())
        .onEvent(event -> settings.progress().eventRecorded(event.type().label(), event.type().severity().label(), event.message()));
    this.reads = Databases.dsl(dataSource, database.dialect());
    reads.configuration().set(new ReadOnly());
  }

  /**
   * @param ownsDataSource whether {@link #close()} closes it (a pool the engine made)
   * @param startup held until the first run-lock attempt, or the end (see {@link H2Startup})
   * @throws Hal9MigrateException DB_UNREACHABLE when the database cannot say what it is
   */
  public static Engine open(Settings settings, Plan plan, Map<String, StepType> types, DataSource dataSource,
      boolean ownsDataSource, H2Startup startup) {
    return new Engine(settings, plan, types, dataSource, ownsDataSource, startup);
  }

  Settings settings() {
    return settings;
  }

  Plan plan() {
    return plan;
  }

  StepType type(String name) {
    return types.get(name);
  }

  Map<String, StepType> types() {
    return types;
  }

  CheckpointStore store() {
    return store;
  }

  Database database() {
    return database;
  }

  /** The target database, unfenced: for what only reads (a dry run's preview). */
  DataSource dataSource() {
    return dataSource;
  }

  /** jOOQ on the target database, for reads only (see {@link ReadOnly}). */
  DSLContext reads() {
    return reads;
  }

  /** Ends this process's start on an embedded H2 file: once the run lock has been tried, or at the end. */
  void started() {
    startup.close();
  }

  /** Asks a running command to stop at the next batch boundary, after saving its checkpoint. */
  public void stop() {
    stopRequested = true;
  }

  boolean stopRequested() {
    return stopRequested;
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

  /** Refuses writes: a step writes in its fenced transaction, never beside it. */
  private static final class ReadOnly implements ExecuteListener {
    @Override
    public void executeStart(ExecuteContext ctx) {
      if (ctx.type() != ExecuteType.READ) {
        throw new DataAccessException("this DSLContext reads only (a write here would commit outside the run lock's"
            + " fence); write in StepContext.commit: " + ctx.sql());
      }
    }
  }
}
