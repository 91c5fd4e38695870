package io.hal9.migrate.tools.config;

import java.nio.file.Path;

/** One thing wrong in a config file, where it is. Messages never hold a secret's real value. */
public record Finding(Path file, int line, Severity severity, String rule, String message) {
  @Override
  public String toString() {
    return file + ":" + line + ": " + rule + ": " + message;
  }
}
