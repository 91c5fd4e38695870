package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;
import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.inline;

import java.sql.Connection;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held run lock. A daemon thread renews the lease at a third of its length on a connection of its own;
 * when a renewal finds another epoch, the lease is lost and every later checkpoint write will fail.
 */
public final class Lease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lease.class);

  private final Connection connection;
  private final DSLContext session;
  private final String runId;
  private final long epoch;
  private final long leaseSeconds;
  private final ScheduledExecutorService heartbeat;
  private volatile boolean lost;
  private boolean closed;

  Lease(Connection connection, DSLContext session, String runId, long epoch, long leaseSeconds) {
    this.connection = connection;
    this.session = session;
    this.runId = runId;
    this.epoch = epoch;
    this.leaseSeconds = leaseSeconds;
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hal9-lease-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(200, leaseSeconds * 1000 / 3);
    heartbeat.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
  }

  public String runId() {
    return runId;
  }

  public long epoch() {
    return epoch;
  }

  /** True once a renewal found that another runner took over. */
  public boolean lost() {
    return lost;
  }

  private synchronized void renew() {
    if (closed || lost) {
      return;
    }
    try {
      int renewed = session.update(LOCK)
          .set(LOCK_HEARTBEAT, currentLocalDateTime())
          .set(LOCK_LEASE_UNTIL, RunLock.leaseUntil(leaseSeconds))
          .where(LOCK_ID.eq(1).and(LOCK_EPOCH.eq(epoch)).and(LOCK_RUN.eq(runId)))
          .execute();
      if (renewed == 0) {
        lost = true;
        log.warn("run lock lost: another runner took over epoch {}", epoch);
        return;
      }
      session.update(RUNS).set(RUN_HEARTBEAT, currentLocalDateTime()).where(RUN_ID.eq(runId)).execute();
    } catch (RuntimeException e) {
      // A missed heartbeat is not fatal: fencing stops this runner if the lease runs out meanwhile.
      log.warn("lease heartbeat failed: {}", e.getMessage());
    }
  }

  /** The lock's epoch as the database has it now, read on the lease's connection; empty if that read fails. */
  public synchronized OptionalLong currentEpoch() {
    if (closed) {
      return OptionalLong.empty();
    }
    try {
      Long current = session.select(LOCK_EPOCH).from(LOCK).where(LOCK_ID.eq(1)).fetchOne(LOCK_EPOCH);
      return current == null ? OptionalLong.empty() : OptionalLong.of(current);
    } catch (RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** Releases the lock (if still ours) and records how the run ended. */
  public synchronized void close(String runState) {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.shutdownNow();
    try {
      session.update(LOCK)
          .setNull(LOCK_RUN).setNull(LOCK_HOST).setNull(LOCK_PID).setNull(LOCK_LEASE_UNTIL)
          .where(LOCK_ID.eq(1).and(LOCK_EPOCH.eq(epoch)).and(LOCK_RUN.eq(runId)))
          .execute();
      session.update(RUNS)
          .set(RUN_STATE, runState)
          .set(RUN_FINISHED, currentLocalDateTime())
          .where(RUN_ID.eq(runId).and(RUN_EPOCH.eq(epoch)))
          .execute();
      if (session.dialect() == SQLDialect.POSTGRES) {
        session.select(function("pg_advisory_unlock", Boolean.class, inline(RunLock.ADVISORY_KEY),
            inline(RunLock.advisoryId(epoch)))).fetch();
      }
    } catch (RuntimeException e) {
      log.warn("could not release the run lock cleanly (it expires with its lease): {}", e.getMessage());
    } finally {
      RunLock.closeQuietly(connection);
    }
  }

  @Override
  public void close() {
    close("done");
  }
}
