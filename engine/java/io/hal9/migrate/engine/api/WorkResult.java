package io.hal9.migrate.engine.api;

/**
 * What a {@code worker} did before it left (its id is its run id in hal9_runs): the partitions it worked to their end, the rows it committed in them, and
 * why it stopped looking for more.
 */
public record WorkResult(String workerId, int partitions, long rows, String ended) {}
