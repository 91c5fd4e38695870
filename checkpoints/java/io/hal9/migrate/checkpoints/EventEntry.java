package io.hal9.migrate.checkpoints;

import java.time.LocalDateTime;

/**
 * One line of hal9_events, timed by the database's clock.
 *
 * @param runId the run it happened in, or null (a pause or an unlock from another process)
 * @param version the step's version, or null for events of the run
 */
public record EventEntry(long id, LocalDateTime at, String runId, String version, String stepId, String type,
    String severity, String message) {}
