package io.hal9.migrate.engine;

import java.util.List;

/** Every failure the engine reports: a stable code, a one-line message, and the individual problems behind it. */
public class Hal9MigrateException extends RuntimeException {
  private final ErrorCode code;
  private final List<String> details;

  public Hal9MigrateException(ErrorCode code, String message) {
    this(code, message, List.of(), null);
  }

  public Hal9MigrateException(ErrorCode code, String message, Throwable cause) {
    this(code, message, List.of(), cause);
  }

  public Hal9MigrateException(ErrorCode code, String message, List<String> details, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.details = List.copyOf(details);
  }

  public ErrorCode code() {
    return code;
  }

  /** One line per problem (for a plan: file:line: message), in the order found. */
  public List<String> details() {
    return details;
  }
}
