package io.hal9.migrate.checkpoints;

/** A row a step left unchanged, and why. */
public record RowReject(String key, String reason) {}
