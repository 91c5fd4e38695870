package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A held run lock. A daemon thread renews the lease at a third of its length on a connection of its own; when a
 * renewal finds another epoch, the lease is lost and every later checkpoint write will fail. When that connection
 * breaks (a restart, a network cut, {@code pg_terminate_backend}), the lease is not given up: a new connection takes
 * the epoch's session lock again and renews the lease, for as long as the lease lasts; only then is it lost.
 */
public final class Lease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Lease.class);
  /** Between attempts to reconnect, while the lease still runs. */
  private static final long RECONNECT_PAUSE_MILLIS = 250;

  private final DataSource dataSource;
  private final LockDialect locks;
  private final String runId;
  private final long epoch;
  private final long leaseSeconds;
  private final ScheduledExecutorService heartbeat;
  private Connection connection;
  private DSLContext session;
  /** When the lease runs out unless renewed, on this JVM's clock (the database's is the one that decides). */
  private long validUntilNanos;
  private volatile boolean lost;
  private boolean closed;

  Lease(DataSource dataSource, LockDialect locks, Connection connection, String runId, long epoch, long leaseSeconds) {
    this.dataSource = dataSource;
    this.locks = locks;
    this.connection = connection;
    this.session = Databases.dsl(connection);
    this.runId = runId;
    this.epoch = epoch;
    this.leaseSeconds = leaseSeconds;
    this.validUntilNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(leaseSeconds);
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

  /** True once a renewal found that another runner took over, or the lease ran out unrenewed. */
  public boolean lost() {
    return lost;
  }

  synchronized void renew() {
    if (closed || lost) {
      return;
    }
    long started = System.nanoTime();
    try {
      renewOn(session, started);
    } catch (RuntimeException e) {
      log.warn("lease heartbeat failed ({}); reconnecting to renew epoch {} before the lease runs out", e.getMessage(), epoch);
      reconnect();
    }
  }

  /** One renewal on {@code on}: the lease row, if still this run's, then the run's heartbeat. */
  private void renewOn(DSLContext on, long started) {
    int renewed = on.update(LOCK)
        .set(LOCK_HEARTBEAT, currentLocalDateTime())
        .set(LOCK_LEASE_UNTIL, RunLock.leaseUntil(leaseSeconds))
        .where(LOCK_ID.eq(1).and(LOCK_EPOCH.eq(epoch)).and(LOCK_RUN.eq(runId)))
        .execute();
    if (renewed == 0) {
      lost = true;
      log.warn("run lock lost: another runner took over epoch {}", epoch);
      return;
    }
    validUntilNanos = started + TimeUnit.SECONDS.toNanos(leaseSeconds);
    on.update(RUNS).set(RUN_HEARTBEAT, currentLocalDateTime()).where(RUN_ID.eq(runId)).execute();
  }

  /**
   * A new connection for the lease: the old one's session lock goes with it (PostgreSQL ends the session), the new
   * one takes the same epoch's, and renews. Tried until the lease would run out; then the lease is lost.
   */
  private void reconnect() {
    while (!closed && !lost) {
      if (System.nanoTime() > validUntilNanos) {
        lost = true;
        log.warn("run lock lost: the lease of epoch {} ran out before it could be renewed", epoch);
        return;
      }
      long started = System.nanoTime();
      Connection fresh = null;
      try {
        fresh = dataSource.getConnection();
        DSLContext next = Databases.dsl(fresh);
        RunLock.closeQuietly(connection);
        if (!locks.holdEpochAgain(next, epoch)) {
          throw new IllegalStateException("the previous session still holds the lock of epoch " + epoch);
        }
        renewOn(next, started);
        connection = fresh;
        session = next;
        log.info("lease of epoch {} renewed on a new connection", epoch);
        return;
      } catch (RuntimeException | SQLException e) {
        if (fresh != null) {
          RunLock.closeQuietly(fresh);
        }
        log.warn("lease reconnect failed: {}", e.getMessage());
        Sleep.millis(RECONNECT_PAUSE_MILLIS);
      }
    }
  }

  /**
   * Whether the lock is another's now, as the database has it, read on the lease's connection (or a fresh one
   * when that one is broken); empty while it is this lease's, or when neither can tell.
   */
  synchronized Optional<LockLostException> lostTo() {
    if (closed) {
      return Optional.empty();
    }
    try {
      return lostTo(session);
    } catch (RuntimeException e) {
      try (Connection fresh = dataSource.getConnection()) {
        return lostTo(Databases.dsl(fresh));
      } catch (RuntimeException | SQLException again) {
        return Optional.empty();
      }
    }
  }

  private Optional<LockLostException> lostTo(DSLContext on) {
    Record row = on.select(LOCK_EPOCH, LOCK_RUN).from(LOCK).where(LOCK_ID.eq(1)).fetchOne();
    if (row == null || (row.get(LOCK_EPOCH) == epoch && runId.equals(row.get(LOCK_RUN)))) {
      return Optional.empty();
    }
    return Optional.of(LockLostException.seen(on, epoch, row.get(LOCK_EPOCH)));
  }

  /**
   * Releases the lock (if still ours) and records how the run ended, on the lease's connection, or a fresh one
   * when that one is broken: a lock left held by a run that is gone says the wrong thing until its lease expires.
   */
  public synchronized void close(RunState runState) {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.shutdownNow();
    try {
      release(session, runState);
    } catch (RuntimeException first) {
      try (Connection fresh = dataSource.getConnection()) {
        release(Databases.dsl(fresh), runState);
      } catch (RuntimeException | SQLException e) {
        log.warn("could not release the run lock cleanly (it expires with its lease): {}", e.getMessage());
      }
    } finally {
      RunLock.closeQuietly(connection);
    }
  }

  private void release(DSLContext on, RunState runState) {
    on.update(LOCK)
        .setNull(LOCK_RUN).setNull(LOCK_HOST).setNull(LOCK_PID).setNull(LOCK_LEASE_UNTIL)
        .where(LOCK_ID.eq(1).and(LOCK_EPOCH.eq(epoch)).and(LOCK_RUN.eq(runId)))
        .execute();
    // A run another runner took over was marked abandoned by it; its own account of how it ended wins, except
    // that a run whose lock was released by hand stays marked as such.
    on.update(RUNS)
        .set(RUN_STATE, runState.label())
        .set(RUN_FINISHED, currentLocalDateTime())
        .where(RUN_ID.eq(runId).and(RUN_EPOCH.eq(epoch)).and(RUN_STATE.ne(RunState.UNLOCKED.label())))
        .execute();
    locks.releaseEpoch(on, epoch);
  }

  @Override
  public void close() {
    close(RunState.DONE);
  }
}
