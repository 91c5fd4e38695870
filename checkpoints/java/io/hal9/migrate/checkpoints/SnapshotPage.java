package io.hal9.migrate.checkpoints;

import java.util.List;

/** A page of a step's snapshots, in key order; {@code last} is the key of the last record read (a row's or a batch's). */
public record SnapshotPage(List<RowSnapshot> rows, String last) {}
