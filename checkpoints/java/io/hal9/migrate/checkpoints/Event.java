package io.hal9.migrate.checkpoints;

/** An event to record: of a step ({@code version} and {@code stepId} set) or of the run (both null). */
public record Event(EventType type, String version, String stepId, String message) {

  public static Event ofRun(EventType type, String message) {
    return new Event(type, null, null, message);
  }
}
