package io.hal9.migrate.engine.spi.tables;

import org.jooq.Table;

/** The table a data step walks in key order, and its key: what {@code partitions: N} splits into key ranges. */
public record BatchedTable(Table<?> table, Keyset keys) {}
