package io.hal9.migrate.checkpoints;

import java.time.LocalDateTime;

/**
 * One partition of a partitioned step, as hal9_partitions keeps it: the keys in (lower, upper], worked from its own
 * cursor by its owner while the owner's lease runs.
 *
 * @param number from 1
 * @param undo whether it belongs to the step's rollback (its keys are snapshot keys then)
 * @param lower the last key before the partition, as the checkpoint keeps keys; null for the first
 * @param upper the partition's last key; null for the last partition (it takes every key after the one before)
 * @param cursor the last key its committed batches handled, or null before the first
 * @param epoch raised at each claim; a commit of an owner whose epoch is not the row's fails
 * @param ownerRun the worker or run that claimed it last, or null while unclaimed
 */
public record Partition(
    String stepId,
    int number,
    boolean undo,
    String lower,
    String upper,
    PartitionState state,
    String cursor,
    long rows,
    long expected,
    String counters,
    long epoch,
    String ownerRun,
    String ownerHost,
    long ownerPid,
    LocalDateTime leaseUntil,
    LocalDateTime heartbeat,
    int claims,
    LocalDateTime finishedAt) {

  /** Where its next batch starts: after its cursor, or after its lower bound before its first batch. */
  public String resumeAfter() {
    return cursor != null ? cursor : lower;
  }

  /** {@code host pid N}, or null while unclaimed. */
  public String owner() {
    return ownerRun == null ? null : ownerHost + " pid " + ownerPid;
  }
}
