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
import java.util.List;
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
  public boolean changesSchema() {
    return true;
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
        SqlScript sql = script(definition, definition.has("sql") ? "sql" : "file", context.dialect());
        context.complete(tx -> Batch.of(null, tx.connectionResult(sql::execute)));
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
        SqlScript sql = script(definition, "undo", context.dialect());
        context.complete(tx -> Batch.of(null, tx.connectionResult(sql::execute)));
      }
    };
  }

  /**
   * The step's SQL for the database, split into statements that know their line: in the SQL file, or in the plan
   * file for inline SQL (a block scalar starts on the line after its key).
   */
  private static SqlScript script(StepDefinition step, String key, SQLDialect dialect) {
    String value = step.sql(key, dialect);
    if (value == null) {
      throw new IllegalStateException(step.where() + " key '" + key + "' has no SQL for " + dialect.getName()
          + " (add a '" + (dialect == SQLDialect.POSTGRES ? "postgresql" : "h2") + "' or 'default' entry)");
    }
    if (key.equals("file")) {
      return SqlScript.parse(read(step.planDirectory().resolve(value)), dialect, value, 0);
    }
    String entry = step.value(key).isTextual() ? key
        : key + "/" + (step.value(key).has(dialect == SQLDialect.POSTGRES ? "postgresql" : "h2")
            ? (dialect == SQLDialect.POSTGRES ? "postgresql" : "h2") : "default");
    int first = step.line(entry) + (value.contains("\n") ? 1 : 0);
    return SqlScript.parse(value, dialect, step.file().getFileName().toString(), first - 1);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
