package io.hal9.migrate.engine.internal.steps;

import static io.hal9.migrate.engine.spi.Param.Kind.IDENTIFIER;
import static io.hal9.migrate.engine.spi.Param.Kind.STRINGS;

import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepFile;
import io.hal9.migrate.engine.spi.StepType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.MigrateResult;
import org.jooq.tools.jdbc.DefaultConnection;
import org.jooq.tools.jdbc.SingleConnectionDataSource;

/**
 * {@code type: flyway}: a folder of Flyway migrations under a history table of the step's own. Flyway's
 * history is what an interrupted step resumes from: applied migrations are not run again.
 */
public final class FlywayStepType implements StepType {

  @Override
  public String name() {
    return "flyway";
  }

  @Override
  public boolean changesSchema() {
    return true;
  }

  @Override
  public List<Param> params() {
    return List.of(Param.required("locations", STRINGS), Param.optional("table", IDENTIFIER, null));
  }

  /** Each migrations folder, read with the plan (see {@link io.hal9.migrate.engine.spi.StepFile}). */
  @Override
  public List<StepFile> files(StepDefinition step) {
    return step.strings("locations").stream().map(location -> StepFile.folder("locations", location)).toList();
  }

  /** The migrations' names and contents, so editing or adding one changes the step's checksum. */
  @Override
  public byte[] externalContent(StepDefinition step) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (String location : step.strings("locations")) {
      step.folder(location).forEach((name, bytes) -> {
        content.writeBytes(name.getBytes(StandardCharsets.UTF_8));
        content.write(0);
        content.writeBytes(bytes);
        content.write(0);
      });
    }
    return content.toByteArray();
  }

  @Override
  public Step create(StepDefinition step) {
    return context -> run(step, context);
  }

  /**
   * Flyway migrates from the files as the plan loader read them, on one connection fenced by the run lock: once
   * another runner has taken over, the commit of the migration in progress fails, and so does every later one.
   */
  private static void run(StepDefinition step, StepContext context) throws SQLException {
    Map<Path, Map<String, byte[]>> folders = new LinkedHashMap<>();
    step.strings("locations").forEach(location -> folders.put(step.planDirectory().resolve(location), step.folder(location)));
    try (Connection connection = context.dataSource().getConnection()) {
      OneConnection one = new OneConnection(connection);
      Flyway flyway = Flyway.configure()
          // PostgreSQL: a session lock for Flyway's own, so that Flyway itself works on one connection (with its
          // default, transactional lock it uses two, see OneConnection); statements that cannot run in a transaction
          // (CREATE INDEX CONCURRENTLY) need it too.
          .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
          .dataSource(one.dataSource())
          .callbacks(one)
          .resourceProvider(new PlanResources(folders))
          .table(table(step))
          .baselineOnMigrate(true) // the schema already holds the engine's tables
          .baselineVersion("0")
          .load();
      MigrationInfoService info = flyway.info();
      // Where DDL is not transactional (H2), Flyway records a failed migration and refuses to go on; the rerun of
      // this step is the retry, so clear that record. Edited migrations are caught by this step's checksum.
      if (Arrays.stream(info.all()).anyMatch(m -> m.getState() == MigrationState.FAILED)) {
        flyway.repair();
      }
      MigrationInfo before = info.current();
      MigrateResult result;
      try {
        result = flyway.migrate();
      } catch (RuntimeException e) {
        // Refused by the fence, or cut off by the runner that took over (its connection ended, no fence to tell).
        throw context.lockLostOr(e, () -> {
          MigrationInfo last = one.committed() != null ? one.committed() : before;
          return "Flyway's history " + table(step) + " ended at "
              + (last == null ? "no migration" : "version " + last.getVersion() + " (" + last.getDescription() + ")")
              + " when this runner lost the lock: the migrations up to there are committed; the one it was applying was"
              + " rolled back";
        });
      }
      context.complete(tx -> Batch.of(result.targetSchemaVersion, result.migrationsExecuted));
    }
  }

  /**
   * Flyway on one connection, and the last migration it committed there. Flyway records a migration in its history
   * on a connection of its own (on H2; on PostgreSQL with its transactional lock) and commits that row after the
   * migration's own transaction: a runner stopped or killed in between (a takeover ends its sessions) left a
   * migration applied but unrecorded, which the next run applied again. On one connection, a migration and its row
   * commit together; the first commit after a migration began is that migration's.
   */
  private static final class OneConnection extends BaseCallback {
    private final DataSource dataSource;
    private MigrationInfo applying;
    private MigrationInfo committed;

    OneConnection(Connection connection) {
      this.dataSource = new SingleConnectionDataSource(new DefaultConnection(connection) {
        @Override
        public void commit() throws SQLException {
          super.commit();
          if (applying != null) {
            committed = applying;
            applying = null;
          }
        }
      });
    }

    DataSource dataSource() {
      return dataSource;
    }

    /** The last migration this run committed, or null. */
    MigrationInfo committed() {
      return committed;
    }

    @Override
    public boolean supports(Event event, Context context) {
      return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public void handle(Event event, Context context) {
      applying = context.getMigrationInfo();
    }
  }

  static String table(StepDefinition step) {
    String table = step.string("table");
    return table != null ? table : "flyway_" + step.id().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_history";
  }
}
