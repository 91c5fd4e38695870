package io.hal9.migrate.engine.api;

import java.time.Duration;
import java.util.List;

/**
 * What a run did with one step, or what a dry run would do.
 *
 * @param preview what the step would change, as a dry run's step says (empty for most steps, and after a run)
 */
public record StepOutcome(String version, String id, String type, Result result, long rows, Duration elapsed,
    List<String> preview) {

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
