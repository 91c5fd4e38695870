package io.hal9.migrate.engine.steps;

import static io.hal9.migrate.engine.spi.Param.Kind.IDENTIFIER;
import static io.hal9.migrate.engine.spi.Param.Kind.STRINGS;

import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.Arrays;
import org.flywaydb.core.Flyway;
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

  @Override
  public void validate(StepDefinition step, Problems problems) {
    for (String location : step.strings("locations")) {
      if (!Files.isDirectory(step.planDirectory().resolve(location))) {
        problems.report(step, "locations", "no such folder: " + step.planDirectory().resolve(location));
      }
    }
  }

  /** The migrations' names and contents, so editing or adding one changes the step's checksum. */
  @Override
  public byte[] externalContent(StepDefinition step) {
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    for (String location : step.strings("locations")) {
      Path folder = step.planDirectory().resolve(location);
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
          content.writeBytes(folder.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
          content.write(0);
          content.writeBytes(Files.readAllBytes(file));
          content.write(0);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return content.toByteArray();
  }

  @Override
  public Step create(StepDefinition step) {
    return context -> run(step, context);
  }

  private static void run(StepDefinition step, StepContext context) {
    String[] locations = step.strings("locations").stream()
        .map(location -> "filesystem:" + step.planDirectory().resolve(location).toAbsolutePath())
        .toArray(String[]::new);
    Flyway flyway = Flyway.configure()
        .dataSource(context.dataSource())
        .locations(locations)
        .failOnMissingLocations(true) // a wrong path must fail, not just log a warning
        .table(table(step))
        .baselineOnMigrate(true) // the schema already holds the engine's tables
        .baselineVersion("0")
        .load();
    // Where DDL is not transactional (H2), Flyway records a failed migration and refuses to go on; the rerun of
    // this step is the retry, so clear that record. Edited migrations are caught by this step's checksum.
    if (Arrays.stream(flyway.info().all()).anyMatch(m -> m.getState() == MigrationState.FAILED)) {
      flyway.repair();
    }
    MigrateResult result = flyway.migrate();
    context.complete(tx -> Batch.of(result.targetSchemaVersion, result.migrationsExecuted));
  }

  static String table(StepDefinition step) {
    String table = step.string("table");
    return table != null ? table : "flyway_" + step.id().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_history";
  }
}
