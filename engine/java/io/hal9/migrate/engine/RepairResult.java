package io.hal9.migrate.engine;

import java.util.List;

/** What {@code repair} changed, and the mismatches it left (those it was not told to accept). */
public record RepairResult(List<String> accepted, List<String> forgotten, List<String> remaining) {}
