package io.hal9.migrate.engine.api;

import java.util.List;

/**
 * What {@code repair} changed, and the mismatches it left (those it was not told to accept): the ids of steps
 * changed since they were applied, and of applied steps the plans no longer have.
 */
public record RepairResult(List<String> accepted, List<String> forgotten, List<String> changedLeft, List<String> missingLeft) {}
