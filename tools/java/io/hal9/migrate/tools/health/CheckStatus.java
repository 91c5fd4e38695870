package io.hal9.migrate.tools.health;

import java.util.Locale;

/** How a check came out. Only FAILED fails a health run; SKIPPED means there was nothing to measure. */
public enum CheckStatus {
  OK,
  WARNING,
  FAILED,
  SKIPPED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
