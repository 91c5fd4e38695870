package io.hal9.migrate.tools.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a command's result goes: text for people, or with {@code --json} one document of a stable shape,
 * {@code {"ok":true,"command":...}} or {@code {"ok":false,"command":...,"error":{"code","message","exitCode","details"}}}.
 */
final class Output {
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private final boolean json;
  private final PrintStream out;
  private final PrintStream err;

  Output(boolean json, PrintStream out, PrintStream err) {
    this.json = json;
    this.out = out;
    this.err = err;
  }

  boolean json() {
    return json;
  }

  /** A line for people (nothing in JSON mode, where the document says it all). */
  void line(String text) {
    if (!json) {
      out.println(text);
    }
  }

  /** Text as it is, without a newline (a terminal control sequence); nothing in JSON mode. */
  void raw(String text) {
    if (!json) {
      out.print(text);
      out.flush();
    }
  }

  void success(String command, Map<String, Object> fields) {
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("ok", true);
      document.put("command", command);
      document.putAll(fields);
      print(document);
    }
  }

  /**
   * A long command's document of what it started (a server's address), printed at once on one line, for a pipeline
   * to read while the command goes on; nothing in text mode.
   */
  void started(String command, Map<String, Object> fields) {
    if (json) {
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("ok", true);
      document.put("command", command);
      document.putAll(fields);
      try {
        out.println(JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Prints the failure and returns its exit code. */
  int failure(String command, Hal9MigrateException e, int exitCode) {
    return failure(command, e, exitCode, Map.of());
  }

  /** A failure that still has a result to show (a health run's checks, lint findings): in JSON, its fields beside the error. */
  int failure(String command, Hal9MigrateException e, int exitCode, Map<String, Object> fields) {
    if (json) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("code", e.code().name());
      error.put("message", e.getMessage());
      error.put("exitCode", exitCode);
      error.put("details", e.details());
      Map<String, Object> document = new LinkedHashMap<>();
      document.put("ok", false);
      document.put("command", command);
      document.putAll(fields);
      document.put("error", error);
      print(document);
    } else if ((e.code() == ErrorCode.PLAN_INVALID || e.code() == ToolCode.CONFIG_UNREADABLE) && !e.details().isEmpty()) {
      e.details().forEach(problem -> err.println("hal9-migrate: error: " + problem));
    } else {
      err.println("hal9-migrate: error: " + e.getMessage());
      if (e.code() == ErrorCode.CHECKSUM_MISMATCH || e.code() == ErrorCode.HISTORY_MISMATCH || e.code() == ErrorCode.ROLLBACK_REFUSED) {
        e.details().stream().skip(1).forEach(detail -> err.println("hal9-migrate: error: " + detail));
      }
    }
    return exitCode;
  }

  private void print(Object document) {
    try {
      out.println(JSON.writeValueAsString(document));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
