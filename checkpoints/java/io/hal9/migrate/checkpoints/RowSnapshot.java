package io.hal9.migrate.checkpoints;

/** A row's values before a step changed them, kept so that rollback restores them exactly. */
public record RowSnapshot(String key, String state, Integer version, String layer) {}
