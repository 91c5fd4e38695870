package io.hal9.migrate.checkpoints;

/** A row's values before a step changed them, as the step wrote them (JSON, opaque here), for an exact rollback. */
public record RowSnapshot(String key, String before) {}
