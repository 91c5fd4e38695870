package io.hal9.migrate.engine.internal.steps;

import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.internal.database.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.parser.Parser;
import org.flywaydb.core.internal.resource.StringResource;
import org.flywaydb.core.internal.sqlscript.SqlStatement;
import org.flywaydb.core.internal.sqlscript.SqlStatementIterator;
import org.jooq.SQLDialect;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A SQL text split into its statements by Flyway's parser for the database (quotes, comments, dollar-quoted
 * bodies, H2's and PostgreSQL's own syntax), each with the line it starts on, so that a statement that fails is
 * named by file and line as psql names it: {@code schema.sql:209: ERROR: syntax error at or near "current_date"}.
 */
public final class SqlScript {
  /** Flyway's placeholders ({@code ${x}}) are Flyway's: here the text runs exactly as written. */
  private static final Configuration PARSING = Flyway.configure().placeholderReplacement(false);

  /**
   * One statement of the script: where its text starts ({@code firstLine} of the script, 1-based, comments before
   * it included), the text, and whether it may run in a transaction (Flyway's parser knows CREATE INDEX
   * CONCURRENTLY, VACUUM and their like).
   */
  public record Command(int firstLine, String sql, boolean transactional) {
    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile(
        "(?i)(BEGIN|START\\s+TRANSACTION|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\\s+TRANSACTION"
            + "|SET\\s+AUTOCOMMIT)(\\s.*|;?)", java.util.regex.Pattern.DOTALL);

    /** The statement's first words, for messages ({@code CREATE INDEX CONCURRENTLY}). */
    public String firstWords() {
      String[] words = sql.substring(firstToken(sql)).trim().split("\\s+");
      return String.join(" ", java.util.Arrays.asList(words).subList(0, Math.min(4, words.length)));
    }

    /** The transaction control it is (BEGIN, COMMIT, ROLLBACK TO SAVEPOINT...), or null. */
    public String transactionControl() {
      java.util.regex.Matcher m = CONTROL.matcher(sql.substring(firstToken(sql)).trim());
      return m.matches() ? m.group(1).toUpperCase(java.util.Locale.ROOT).replaceAll("\\s+", " ") : null;
    }
  }

  private final String source;
  private final int lineOffset;
  private final List<Command> statements;

  private SqlScript(String source, int lineOffset, List<Command> statements) {
    this.source = source;
    this.lineOffset = lineOffset;
    this.statements = statements;
  }

  /**
   * @param source what to call the text in messages: a file name, or the plan file
   * @param lineOffset added to the text's line numbers (the line of the plan where inline SQL starts, less one)
   */
  public static SqlScript parse(String text, SQLDialect dialect, String source, int lineOffset) {
    Parser parser = Database.of(dialect).sqlParser(PARSING);
    List<Command> statements = new ArrayList<>();
    try (SqlStatementIterator it = parser.parse(new StringResource(text))) {
      while (it.hasNext()) {
        SqlStatement s = it.next();
        // The statement's text may begin with the comments before it; its line number is that of its first token.
        statements.add(new Command(s.getLineNumber() - leadingLines(s.getSql()), s.getSql(), s.canExecuteInTransaction()));
      }
    }
    return new SqlScript(source, lineOffset, statements);
  }

  public List<Command> statements() {
    return statements;
  }

  /** Where a statement is, as messages name it: {@code schema.sql:12} (the line of its first token). */
  public String where(Command command) {
    return source + ":" + (lineOffset + command.firstLine() + leadingLines(command.sql()));
  }

  /**
   * Runs the statements in order on {@code connection}; returns the rows they changed as the driver reports them.
   *
   * @throws SqlScriptException naming the source and line of the statement that failed
   */
  public long execute(Connection connection) throws SQLException {
    long changed = 0;
    try (Statement statement = connection.createStatement()) {
      for (Command s : statements) {
        changed += execute(statement, s);
      }
    }
    return changed;
  }

  /** Runs one statement; @throws SqlScriptException naming where it is */
  public long execute(Statement statement, Command s) {
    try {
      long changed = 0;
      boolean result = statement.execute(s.sql());
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
    } catch (SQLException e) {
      throw new SqlScriptException(where(s, e) + ": " + message(e), e);
    }
  }

  /** {@code schema.sql:209}: the statement's first line, moved to the line of the error where the database says. */
  private String where(Command s, SQLException e) {
    int line = lineOffset + s.firstLine();
    String before = null;
    if (e instanceof PSQLException pg && pg.getServerErrorMessage() != null && pg.getServerErrorMessage().getPosition() > 0) {
      before = s.sql().substring(0, Math.min(s.sql().length(), pg.getServerErrorMessage().getPosition() - 1));
    } else if (e.getMessage() != null && e.getMessage().contains("[*]")) {
      String quoted = e.getMessage().substring(0, e.getMessage().indexOf("[*]"));
      before = quoted.substring(quoted.indexOf('"') + 1).replace("\\000a", "\n");
    }
    // firstLine is where the statement's text starts, the comments before it included (the database's position
    // counts from there); without a position, the statement is named by the line of its first token.
    line += before != null ? (int) before.chars().filter(c -> c == '\n').count() : leadingLines(s.sql());
    return source + ":" + line;
  }

  /** The database's own message, on one line: PostgreSQL's severity and text, H2's text without the statement. */
  private static String message(SQLException e) {
    if (e instanceof PSQLException pg && pg.getServerErrorMessage() != null) {
      ServerErrorMessage server = pg.getServerErrorMessage();
      return server.getSeverity() + ": " + Hal9MigrateException.oneLine(server.getMessage());
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int statement = text.indexOf("; SQL statement:");
    text = statement < 0 ? text.replaceFirst(" \\[\\d+-\\d+]$", "") : text.substring(0, statement);
    return "ERROR: " + Hal9MigrateException.oneLine(text.replace("\\000a", " "));
  }

  /** Lines of comments and blank space before a statement's first token. */
  private static int leadingLines(String sql) {
    return (int) sql.substring(0, firstToken(sql)).chars().filter(c -> c == '\n').count();
  }

  /** Where a statement's first token is, past the comments and blank space before it. */
  private static int firstToken(String sql) {
    int i = 0;
    while (i < sql.length()) {
      if (Character.isWhitespace(sql.charAt(i))) {
        i++;
      } else if (sql.startsWith("--", i)) {
        int end = sql.indexOf('\n', i);
        i = end < 0 ? sql.length() : end;
      } else if (sql.startsWith("/*", i)) {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? sql.length() : end + 2;
      } else {
        break;
      }
    }
    return i;
  }

  /**
   * A statement of a script failed; the message says where, as {@code file:line: ERROR: ...}. The driver's exception
   * is kept as suppressed, not as the cause: a failure is reported by its root cause's message, and this one is it.
   */
  public static final class SqlScriptException extends RuntimeException {
    SqlScriptException(String message, SQLException driver) {
      super(message);
      addSuppressed(driver);
    }
  }
}
