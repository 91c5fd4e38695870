package io.hal9.migrate.engine.api;

import java.time.LocalDateTime;

/**
 * Something that happened to a run or a step (hal9_events), timed by the database's clock.
 *
 * @param type step_started, step_retried, step_finished, step_failed, step_stopped, rows_rejected, lock_taken_over,
 *     lock_lost, unlocked, repaired, rollback_started, rollback_finished, paused, resumed, throttled
 * @param severity info, warning or critical
 * @param run the run it happened in, or null (a pause, from a process without the lock)
 * @param version the step's version, or null for an event of the run
 */
public record Event(long id, LocalDateTime at, String type, String severity, String run, String version, String step,
    String message) {}
