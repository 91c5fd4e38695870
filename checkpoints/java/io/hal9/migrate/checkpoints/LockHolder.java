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
    LocalDateTime leaseUntil) {

  public String describe() {
    return host + " pid " + pid + " since " + since + " (lease until " + leaseUntil + ", epoch " + epoch + ")";
  }
}
