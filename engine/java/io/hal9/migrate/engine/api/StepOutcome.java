package io.hal9.migrate.engine.api;

import java.time.Duration;

/** What a run did with one step, or what a dry run would do. */
public record StepOutcome(String version, String id, String type, Result result, long rows, Duration elapsed) {

  public enum Result {
    DONE("done"),
    WOULD_RUN("would run"),
    WOULD_RESUME("would resume");

    private final String label;

    Result(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }
}
