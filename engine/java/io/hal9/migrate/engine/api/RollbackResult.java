package io.hal9.migrate.engine.api;

import java.util.List;

/** The versions {@code rollback --to} undid (newest first) and the steps it undid. */
public record RollbackResult(String target, List<String> versions, List<String> steps) {}
