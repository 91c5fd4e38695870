package io.hal9.migrate.engine.steps;

import static io.hal9.migrate.engine.spi.Param.Kind.SQL;

import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;

/**
 * {@code type: sql}: inline {@code sql:} or a {@code file:} relative to the plan directory, run in one
 * transaction together with the step's checkpoint; {@code undo:} is what {@code rollback} runs. Each may be
 * one text or a map of {@code h2}, {@code postgresql} and {@code default} texts.
 */
public final class SqlStepType implements StepType {

  @Override
  public String name() {
    return "sql";
  }

  @Override
  public List<Param> params() {
    return List.of(Param.optional("sql", SQL, null), Param.optional("file", SQL, null), Param.optional("undo", SQL, null));
  }

  @Override
  public void validate(StepDefinition step, Problems problems) {
    if (step.has("sql") == step.has("file")) {
      problems.report(step, step.has("sql") ? "file" : "sql", "give exactly one of 'sql' or 'file'");
      return;
    }
    if (step.has("file")) {
      for (SQLDialect dialect : List.of(SQLDialect.H2, SQLDialect.POSTGRES)) {
        String file = step.sql("file", dialect);
        if (file != null && !Files.isRegularFile(step.planDirectory().resolve(file))) {
          problems.report(step, "file", "no such file: " + step.planDirectory().resolve(file));
        }
      }
    }
  }

  @Override
  public byte[] externalContent(StepDefinition step) {
    if (!step.has("file")) {
      return new byte[0];
    }
    StringBuilder content = new StringBuilder();
    for (SQLDialect dialect : List.of(SQLDialect.H2, SQLDialect.POSTGRES)) {
      String file = step.sql("file", dialect);
      content.append(file == null ? "" : read(step.planDirectory().resolve(file))).append('\0');
    }
    return content.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public Step create(StepDefinition definition) {
    return new Step() {
      @Override
      public void run(StepContext context) {
        String sql = text(definition, definition.has("sql") ? "sql" : "file", context.dialect());
        context.complete(tx -> Batch.of(null, execute(tx, sql)));
      }

      @Override
      public boolean undoable() {
        return definition.has("undo");
      }

      @Override
      public boolean atomic() {
        return true;
      }

      @Override
      public void undo(StepContext context) {
        String sql = text(definition, "undo", context.dialect());
        context.complete(tx -> Batch.of(null, execute(tx, sql)));
      }
    };
  }

  private static String text(StepDefinition step, String key, SQLDialect dialect) {
    String value = step.sql(key, dialect);
    if (value == null) {
      throw new IllegalStateException(step.where() + " key '" + key + "' has no SQL for " + dialect.getName()
          + " (add a '" + (dialect == SQLDialect.POSTGRES ? "postgresql" : "h2") + "' or 'default' entry)");
    }
    return key.equals("file") ? read(step.planDirectory().resolve(value)) : value;
  }

  /**
   * Runs the user's SQL as written (several statements allowed); returns the rows it changed as the driver
   * reports them (H2 reports the first statement of a script only).
   */
  private static long execute(DSLContext tx, String sql) {
    return tx.connectionResult(connection -> {
      try (Statement statement = connection.createStatement()) {
        long changed = 0;
        boolean result = statement.execute(sql);
        while (true) {
          if (!result) {
            long count = statement.getLargeUpdateCount();
            if (count == -1) {
              return changed;
            }
            changed += count;
          }
          result = statement.getMoreResults();
        }
      }
    });
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
