package io.hal9.migrate.engine.internal.steps;

import static io.hal9.migrate.engine.spi.Param.Kind.BOOLEAN;
import static io.hal9.migrate.engine.spi.Param.Kind.SQL;

import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepFile;
import io.hal9.migrate.engine.spi.StepType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jooq.SQLDialect;

/**
 * {@code type: sql}: inline {@code sql:} or a {@code file:} relative to the plan directory, run in one
 * transaction together with the step's checkpoint; {@code undo:} is what {@code rollback} runs. Each may be
 * one text or a map of {@code h2}, {@code postgresql} and {@code default} texts. With {@code transaction: false}
 * the statements run one at a time, each committed by itself (with its checkpoint, where it can run in a
 * transaction), for what cannot run in a transaction.
 */
public final class SqlStepType implements StepType {
  private static final List<SQLDialect> DIALECTS = Database.all().stream().map(Database::dialect).toList();

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
    return List.of(Param.optional("sql", SQL, null), Param.optional("file", SQL, null), Param.optional("undo", SQL, null),
        Param.optional("transaction", BOOLEAN, true));
  }

  /** The SQL files, each once (a file may serve both databases). */
  @Override
  public List<StepFile> files(StepDefinition step) {
    Set<String> files = new LinkedHashSet<>();
    if (step.has("file")) {
      DIALECTS.forEach(dialect -> {
        String file = step.sql("file", dialect);
        if (file != null) {
          files.add(file);
        }
      });
    }
    return files.stream().map(file -> StepFile.file("file", file)).toList();
  }

  /**
   * Exactly one of sql and file, and statements that keep the step's promise: no transaction control (it would
   * commit part of the step before its checkpoint), and, in a transactional step, nothing that cannot run in a
   * transaction.
   */
  @Override
  public void validate(StepDefinition step, Problems problems) {
    if (step.has("sql") == step.has("file")) {
      problems.report(step, step.has("sql") ? "file" : "sql", "give exactly one of 'sql' or 'file'");
      return;
    }
    boolean transactional = step.bool("transaction");
    for (String key : List.of(step.has("sql") ? "sql" : "file", "undo")) {
      if (!step.has(key)) {
        continue;
      }
      for (SQLDialect dialect : DIALECTS) {
        if (step.sql(key, dialect) == null) {
          continue;
        }
        SqlScript script = script(step, key, dialect);
        for (SqlScript.Command command : script.statements()) {
          String control = command.transactionControl();
          if (control != null) {
            problems.report(step, key, script.where(command) + ": " + control + ": a sql step's statements run in one"
                + " transaction with its checkpoint, and transaction control would commit part of them before it; remove"
                + " it (statements that cannot run in a transaction go in a step with 'transaction: false')");
          } else if (transactional && !command.transactional()) {
            problems.report(step, key, script.where(command) + ": " + command.firstWords() + " cannot run in a"
                + " transaction: give the step 'transaction: false' (its statements then run one at a time, each"
                + " committed by itself, not atomically)");
          }
        }
      }
    }
  }

  /** The files' text per database, as the checksum has always covered it (UTF-8, one '\0' after each). */
  @Override
  public byte[] externalContent(StepDefinition step) {
    if (!step.has("file")) {
      return new byte[0];
    }
    StringBuilder content = new StringBuilder();
    for (SQLDialect dialect : DIALECTS) {
      String file = step.sql("file", dialect);
      content.append(file == null ? "" : new String(step.content(file), StandardCharsets.UTF_8)).append('\0');
    }
    return content.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public Step create(StepDefinition definition) {
    boolean transactional = definition.bool("transaction");
    return new Step() {
      @Override
      public void run(StepContext context) throws Exception {
        execute(context, script(definition, definition.has("sql") ? "sql" : "file", context.dialect()), transactional);
      }

      @Override
      public boolean undoable() {
        return definition.has("undo");
      }

      @Override
      public boolean atomic() {
        return transactional;
      }

      @Override
      public void undo(StepContext context) throws Exception {
        execute(context, script(definition, "undo", context.dialect()), transactional);
      }
    };
  }

  /**
   * In one transaction with the checkpoint; or, without a transaction, statement by statement, the checkpoint
   * recording which statement was the last done, so a rerun goes on with the next one. A statement that can run in a
   * transaction commits in the one of its checkpoint: a runner killed or taken over between a statement's commit and
   * its checkpoint's would have the rerun run that statement again. One that cannot runs on a fenced connection in
   * autocommit mode, its checkpoint after it (a crash in between repeats it: it is not atomic).
   */
  private static void execute(StepContext context, SqlScript sql, boolean transactional) throws Exception {
    if (transactional) {
      context.complete(tx -> Batch.of(null, tx.connectionResult(sql::execute)));
      return;
    }
    List<SqlScript.Command> statements = sql.statements();
    for (int i = context.cursor() == null ? 0 : Integer.parseInt(context.cursor()) + 1; i < statements.size(); i++) {
      SqlScript.Command command = statements.get(i);
      String done = Integer.toString(i);
      if (command.transactional()) {
        context.commit(tx -> Batch.of(done, tx.connectionResult(connection -> {
          try (Statement statement = connection.createStatement()) {
            return sql.execute(statement, command);
          }
        })));
        continue;
      }
      long changed;
      try (Connection connection = context.dataSource().getConnection(); Statement statement = connection.createStatement()) {
        connection.setAutoCommit(true);
        changed = sql.execute(statement, command);
      }
      long rows = changed;
      context.commit(tx -> Batch.of(done, rows));
    }
    context.complete(tx -> Batch.of(context.cursor(), 0));
  }

  /**
   * The step's SQL for the database, split into statements that know their line: in the SQL file, or in the plan
   * file for inline SQL (a block scalar starts on the line after its key).
   */
  private static SqlScript script(StepDefinition step, String key, SQLDialect dialect) {
    String value = step.sql(key, dialect);
    if (value == null) {
      throw new IllegalStateException(step.where() + " key '" + key + "' has no SQL for " + dialect.getName()
          + " (add a '" + Database.of(dialect).planKey() + "' or 'default' entry)");
    }
    if (key.equals("file")) {
      return SqlScript.parse(new String(step.content(value), StandardCharsets.UTF_8), dialect, value, 0);
    }
    String planKey = Database.of(dialect).planKey();
    String entry = step.value(key).isTextual() ? key : key + "/" + (step.value(key).has(planKey) ? planKey : "default");
    int first = step.line(entry) + (value.contains("\n") ? 1 : 0);
    return SqlScript.parse(value, dialect, step.file().getFileName().toString(), first - 1);
  }
}
