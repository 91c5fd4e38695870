package io.hal9.migrate.engine.spi;

/** A row's values before a step changed them, in the step's own JSON, under the row's key, for an exact rollback. */
public record Snapshot(String key, String before) {}
