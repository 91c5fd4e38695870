package io.hal9.migrate.engine.api;

/**
 * What a {@code worker} did before it left: the partitions it worked to their end, the rows it committed in them, and
 * why it stopped looking for more. Its id is its run id in hal9_runs, the owner its partitions name.
 */
public record WorkResult(String workerId, int partitions, long rows, String ended) {}
