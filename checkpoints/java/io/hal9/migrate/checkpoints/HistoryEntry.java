package io.hal9.migrate.checkpoints;

import java.time.LocalDateTime;

/** One line of hal9_history: a version applied or rolled back, by whom, when, how long it took. */
public record HistoryEntry(
    long rank,
    String version,
    String description,
    String script,
    HistoryAction action,
    String checksum,
    String runId,
    String installedBy,
    LocalDateTime installedOn,
    long executionMillis) {}
