package io.hal9.migrate.checkpoints;

import java.time.LocalDateTime;

/** Who holds the run lock, since when, and until when the lease runs without a heartbeat. */
public record LockHolder(
    long epoch,
    String runId,
    String host,
    long pid,
    LocalDateTime since,
    LocalDateTime heartbeat,
    LocalDateTime leaseUntil,
    String deadBecause) {

  /** Null while the holder counts as alive; else why not: lease expired, process gone, session gone. */
  public String deadBecause() {
    return deadBecause;
  }

  LockHolder dead(String because) {
    return new LockHolder(epoch, runId, host, pid, since, heartbeat, leaseUntil, because);
  }

  public String describe() {
    return host + " pid " + pid + " since " + since + " (lease until " + leaseUntil + ", epoch " + epoch
        + (deadBecause == null ? "" : "; " + deadBecause + ": the next run takes it over") + ")";
  }
}
