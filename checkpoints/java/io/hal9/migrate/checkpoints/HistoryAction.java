package io.hal9.migrate.checkpoints;

import java.util.Locale;

/** What a line of hal9_history records of its version. */
public enum HistoryAction {
  APPLY,
  ROLLBACK;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static HistoryAction of(String label) {
    return valueOf(label.toUpperCase(Locale.ROOT));
  }
}
