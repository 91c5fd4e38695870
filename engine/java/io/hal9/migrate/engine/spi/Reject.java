package io.hal9.migrate.engine.spi;

/** A row a step left unchanged, and why; kept in hal9_rejects until the step is rolled back. */
public record Reject(String key, String reason) {}
