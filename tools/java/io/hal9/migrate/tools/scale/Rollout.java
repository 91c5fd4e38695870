package io.hal9.migrate.tools.scale;

/** A finished rollout: replicas ready out of those desired. */
public record Rollout(int ready, int desired) {}
