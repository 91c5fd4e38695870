package io.hal9.migrate.engine.api;

import java.time.LocalDateTime;
import java.util.Locale;

/** One line of the history: a version applied or rolled back, by whom, when, how long it took. */
public record HistoryLine(long rank, String version, String description, String script, Action action, String checksum,
    String runId, String installedBy, LocalDateTime installedOn, long executionMillis) {

  public enum Action {
    APPLY,
    ROLLBACK;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
