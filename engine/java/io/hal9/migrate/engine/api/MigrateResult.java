package io.hal9.migrate.engine.api;

import java.util.List;

/**
 * The outcome of {@code migrate()} or a dry run: the steps it ran (or would run) and the versions it
 * completed. Failures are thrown as {@link Hal9MigrateException}, never returned.
 */
public record MigrateResult(String runId, boolean dryRun, List<StepOutcome> steps, List<String> versionsApplied) {}
