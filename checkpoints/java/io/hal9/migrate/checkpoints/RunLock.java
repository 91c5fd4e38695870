package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.localDateTimeAdd;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.DatePart;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One runner per database. The lease row in hal9_lock says who runs; a heartbeat keeps its lease alive. Where the
 * database has session locks (PostgreSQL), the holder's session also holds its epoch, so a holder whose session is
 * gone is recognised without waiting for the lease to run out.
 */
public final class RunLock {
  private static final Logger log = LoggerFactory.getLogger(RunLock.class);
  private static final String HOST = localHost();
  /** Room for a heartbeat's own delay before a holder without its session counts as having missed one. */
  private static final Duration HEARTBEAT_SLACK = Duration.ofSeconds(2);

  private final DataSource dataSource;
  private final SQLDialect dialect;
  private final LockDialect locks;
  private final Consumer<Event> events;

  RunLock(DataSource dataSource, SQLDialect dialect, LockDialect locks, Consumer<Event> events) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.locks = locks;
    this.events = events;
  }

  /**
   * Takes the lock, waiting up to {@code wait} for a live holder to let go.
   *
   * @throws LockHeldException when a live runner still holds it after {@code wait}
   */
  public Lease acquire(String command, Duration lease, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    int broken = 0;
    while (true) {
      try {
        return tryAcquire(command, lease);
      } catch (LockHeldException held) {
        if (System.nanoTime() >= deadline) {
          throw held;
        }
        Sleep.millis(Math.min(500, Math.max(50, lease.toMillis() / 4)));
      } catch (DataAccessException e) {
        // On an embedded H2 file served by another process, that process's exit (the runner we waited for,
        // just done) breaks the attempt's connection; H2 reconnects on the next one. The attempt committed
        // nothing, so it is simply made again, a few times at most.
        if (++broken > 3) {
          throw e;
        }
        log.debug("run lock attempt failed, trying again: {}", e.getMessage());
        Sleep.millis(100);
      }
    }
  }

  /** The current holder, if any, as stored, with why it no longer counts as alive if it does not. */
  public Optional<LockHolder> holder() {
    DSLContext dsl = Databases.dsl(dataSource, dialect);
    Field<LocalDateTime> now = currentLocalDateTime().as("db_now");
    Record row = dsl.select(LOCK_COLUMNS).select(now).from(LOCK).where(LOCK_ID.eq(1)).fetchOne();
    if (row == null || row.get(LOCK_RUN) == null) {
      return Optional.empty();
    }
    LockHolder holder = holder(row);
    return Optional.of(holder.dead(deadBecause(dsl, holder, row.get(now))));
  }

  /** Releases the lock by hand and raises the epoch, so its former holder, if still alive, can commit nothing. */
  public Optional<LockHolder> forceRelease() {
    holder().ifPresent(h -> cutOff(h.epoch()));
    Optional<LockHolder> released = Databases.dsl(dataSource, dialect).transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      Record row = tx.select(LOCK_COLUMNS).from(LOCK).where(LOCK_ID.eq(1)).forUpdate().fetchOne();
      if (row == null || row.get(LOCK_RUN) == null) {
        return Optional.<LockHolder>empty();
      }
      LockHolder previous = holder(row);
      tx.update(LOCK)
          .set(LOCK_EPOCH, previous.epoch() + 1)
          .setNull(LOCK_RUN).setNull(LOCK_HOST).setNull(LOCK_PID).setNull(LOCK_LEASE_UNTIL)
          .where(LOCK_ID.eq(1))
          .execute();
      tx.update(RUNS).set(RUN_STATE, RunState.UNLOCKED.label()).set(RUN_FINISHED, currentLocalDateTime())
          .where(RUN_ID.eq(previous.runId())).execute();
      EventLog.insert(tx, previous.runId(), unlocked(previous));
      return Optional.of(previous);
    });
    released.ifPresent(previous -> EventLog.committed(List.of(unlocked(previous)), events));
    return released;
  }

  private static Event unlocked(LockHolder previous) {
    return Event.ofRun(EventType.UNLOCKED, "lock of " + previous.host() + " pid " + previous.pid() + " (epoch "
        + previous.epoch() + ") released by hand on " + HOST + " pid " + ProcessHandle.current().pid());
  }

  private Lease tryAcquire(String command, Duration lease) {
    cutOffExpiredHolder();
    Connection connection = openConnection();
    try {
      DSLContext session = Databases.dsl(connection);
      long leaseSeconds = Math.max(1, lease.toSeconds());
      String runId = UUID.randomUUID().toString();
      long pid = ProcessHandle.current().pid();
      Event[] takeover = new Event[1];
      long epoch = Databases.dsl(connection).transactionResult(cfg -> {
        DSLContext tx = DSL.using(cfg);
        Field<LocalDateTime> now = currentLocalDateTime().as("db_now");
        Record row = tx.select(LOCK_COLUMNS).select(now).from(LOCK).where(LOCK_ID.eq(1)).forUpdate().fetchOne();
        if (row.get(LOCK_RUN) != null) {
          LockHolder current = holder(row);
          String dead = deadBecause(tx, current, row.get(now));
          if (dead == null) {
            throw new LockHeldException(current);
          }
          tx.update(RUNS).set(RUN_STATE, RunState.ABANDONED.label()).where(RUN_ID.eq(current.runId())).execute();
          takeover[0] = Event.ofRun(EventType.LOCK_TAKEN_OVER, "took over the lock of " + current.host() + " pid "
              + current.pid() + " (epoch " + current.epoch() + ", " + dead + ") on " + HOST + " pid " + pid);
        }
        long next = row.get(LOCK_EPOCH) + 1;
        // Taken before the row commits, so nobody can see the new epoch without its session lock held.
        locks.holdEpoch(tx, next);
        tx.update(LOCK)
            .set(LOCK_EPOCH, next)
            .set(LOCK_RUN, runId)
            .set(LOCK_HOST, HOST)
            .set(LOCK_PID, pid)
            .set(LOCK_SINCE, currentLocalDateTime())
            .set(LOCK_HEARTBEAT, currentLocalDateTime())
            .set(LOCK_LEASE_UNTIL, leaseUntil(leaseSeconds))
            .where(LOCK_ID.eq(1))
            .execute();
        tx.insertInto(RUNS)
            .set(RUN_ID, runId)
            .set(RUN_COMMAND, command)
            .set(RUN_HOST, HOST)
            .set(RUN_PID, pid)
            .set(RUN_EPOCH, next)
            .set(RUN_STATE, RunState.RUNNING.label())
            .set(RUN_STARTED, currentLocalDateTime())
            .set(RUN_HEARTBEAT, currentLocalDateTime())
            .execute();
        if (takeover[0] != null) {
          EventLog.insert(tx, runId, takeover[0]);
        }
        return next;
      });
      if (takeover[0] != null) {
        EventLog.committed(List.of(takeover[0]), events);
      }
      return new Lease(dataSource, locks, connection, runId, epoch, leaseSeconds);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /**
   * A holder whose lease ran out may be stalled inside a checkpoint transaction (stopped, paused, cut off from
   * the network) and sit on locks that would block whoever takes over: the lock row (between its fence and its
   * commit), its step's checkpoint row, the uncommitted keys of its batch. Its sessions are ended first, before
   * queueing for the lock row; the epoch raised by the takeover fences the holder anyway.
   */
  private void cutOffExpiredHolder() {
    Long expired = Databases.dsl(dataSource, dialect).select(LOCK_EPOCH).from(LOCK)
        .where(LOCK_ID.eq(1).and(LOCK_RUN.isNotNull()).and(LOCK_LEASE_UNTIL.lt(currentLocalDateTime())))
        .fetchOne(LOCK_EPOCH);
    if (expired != null) {
      cutOff(expired);
    }
  }

  /** Ends the database sessions of the runner of {@code epoch}, rolling back its open transactions. */
  private void cutOff(long epoch) {
    try {
      locks.endSessionsOf(Databases.dsl(dataSource, dialect), epoch);
    } catch (RuntimeException e) {
      log.warn("could not end the sessions of the previous lock holder (epoch {}): {}", epoch, e.getMessage());
    }
  }

  /**
   * Why a holder no longer counts as alive, or null while it does. Dead: its lease ran out; its process is gone
   * from this host; or its lease session is gone (where the database can tell) and it missed a heartbeat. A session alone going
   * away is not death: a healthy holder whose connection broke reconnects within its heartbeat (see Lease).
   */
  private String deadBecause(DSLContext tx, LockHolder holder, LocalDateTime dbNow) {
    if (holder.leaseUntil() == null || holder.leaseUntil().isBefore(dbNow)) {
      return "lease expired";
    }
    if (HOST.equals(holder.host()) && !ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false)) {
      return "process gone";
    }
    if (holder.heartbeat() != null) {
      Duration period = Duration.between(holder.heartbeat(), holder.leaseUntil()).dividedBy(3);
      boolean missedHeartbeat = dbNow.isAfter(holder.heartbeat().plus(period).plus(HEARTBEAT_SLACK));
      if (missedHeartbeat && locks.epochSessionGone(tx, holder.epoch())) {
        return "session gone";
      }
    }
    return null;
  }

  static Field<LocalDateTime> leaseUntil(long leaseSeconds) {
    return localDateTimeAdd(currentLocalDateTime(), inline(leaseSeconds), DatePart.SECOND);
  }

  private static LockHolder holder(Record row) {
    return new LockHolder(
        row.get(LOCK_EPOCH),
        row.get(LOCK_RUN),
        row.get(LOCK_HOST),
        row.get(LOCK_PID) == null ? -1 : row.get(LOCK_PID),
        row.get(LOCK_SINCE),
        row.get(LOCK_HEARTBEAT),
        row.get(LOCK_LEASE_UNTIL),
        null);
  }

  private Connection openConnection() {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open a connection for the run lock: " + e.getMessage(), e);
    }
  }

  static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // the connection is being discarded anyway
    }
  }

  public static String host() {
    return HOST;
  }

  /** This process as a pause or a routing change names who made it: host and pid. */
  public static String thisProcess() {
    return HOST + " pid " + ProcessHandle.current().pid();
  }

  private static String localHost() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}
