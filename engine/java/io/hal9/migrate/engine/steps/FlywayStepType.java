package io.hal9.migrate.engine.steps;

import static io.hal9.migrate.engine.spi.Param.Kind.IDENTIFIER;
import static io.hal9.migrate.engine.spi.Param.Kind.STRINGS;

import io.hal9.migrate.checkpoints.LockLostException;
import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepFile;
import io.hal9.migrate.engine.spi.StepType;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;

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
   * Flyway migrates from the files as the plan loader read them, on connections fenced by the run lock: once
   * another runner has taken over, the commit of the migration in progress fails, and so does every later one.
   */
  private static void run(StepDefinition step, StepContext context) {
    Map<Path, Map<String, byte[]>> folders = new LinkedHashMap<>();
    step.strings("locations").forEach(location -> folders.put(step.planDirectory().resolve(location), step.folder(location)));
    Flyway flyway = Flyway.configure()
        .dataSource(context.dataSource())
        .resourceProvider(new PlanResources(folders))
        .table(table(step))
        .baselineOnMigrate(true) // the schema already holds the engine's tables
        .baselineVersion("0")
        .load();
    // Where DDL is not transactional (H2), Flyway records a failed migration and refuses to go on; the rerun of
    // this step is the retry, so clear that record. Edited migrations are caught by this step's checksum.
    if (Arrays.stream(flyway.info().all()).anyMatch(m -> m.getState() == MigrationState.FAILED)) {
      flyway.repair();
    }
    MigrateResult result;
    try {
      result = flyway.migrate();
    } catch (RuntimeException e) {
      LockLostException lost = lockLost(e);
      if (lost == null) {
        throw e;
      }
      MigrationInfo current = flyway.info().current();
      throw lost.committed("Flyway's history " + table(step) + " ends at "
          + (current == null ? "no migration" : "version " + current.getVersion() + " (" + current.getDescription() + ")")
          + ": those migrations were committed before the lock was lost; the one in progress was rolled back");
    }
    context.complete(tx -> Batch.of(result.targetSchemaVersion, result.migrationsExecuted));
  }

  private static LockLostException lockLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof LockLostException lost) {
        return lost;
      }
    }
    return null;
  }

  static String table(StepDefinition step) {
    String table = step.string("table");
    return table != null ? table : "flyway_" + step.id().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_history";
  }
}
