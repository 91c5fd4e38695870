package io.hal9.migrate.engine.api;

import java.time.LocalDateTime;

/**
 * Who holds the run lock, since when, and until when its lease runs without a heartbeat (database times, UTC).
 *
 * @param deadBecause null while the holder counts as alive; else why not (lease expired, process gone, session gone)
 */
public record LockInfo(long epoch, String runId, String host, long pid, LocalDateTime since, LocalDateTime heartbeat,
    LocalDateTime leaseUntil, String deadBecause) {

  public String describe() {
    return host + " pid " + pid + " since " + since + " (lease until " + leaseUntil + ", epoch " + epoch
        + (deadBecause == null ? "" : "; " + deadBecause + ": the next run takes it over") + ")";
  }
}
