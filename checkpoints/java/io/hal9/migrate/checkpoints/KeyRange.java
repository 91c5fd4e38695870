package io.hal9.migrate.checkpoints;

/**
 * Keys in (lower, upper] of a step's key space, as the checkpoint keeps keys (null: open at that end), with the rows
 * counted in it when it was split off.
 */
public record KeyRange(String lower, String upper, long rows) {}
