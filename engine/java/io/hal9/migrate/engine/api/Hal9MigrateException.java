package io.hal9.migrate.engine.api;

import java.util.List;

/** Every failure the engine reports: a stable code, a one-line message, and the individual problems behind it. */
public class Hal9MigrateException extends RuntimeException {
  private final FailureCode code;
  private final List<String> details;

  public Hal9MigrateException(FailureCode code, String message) {
    this(code, message, List.of(), null);
  }

  public Hal9MigrateException(FailureCode code, String message, Throwable cause) {
    this(code, message, List.of(), cause);
  }

  public Hal9MigrateException(FailureCode code, String message, List<String> details, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.details = List.copyOf(details);
  }

  public FailureCode code() {
    return code;
  }

  /** One line per problem (for a plan: file:line: message), in the order found. */
  public List<String> details() {
    return details;
  }

  /** A message as one line: drivers' messages span several. */
  public static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s+", " ").trim();
  }
}
