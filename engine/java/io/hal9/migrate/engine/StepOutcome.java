package io.hal9.migrate.engine;

import java.time.Duration;

/** What a run did with one step. */
public record StepOutcome(String version, String id, String type, String state, long rows, Duration elapsed) {}
