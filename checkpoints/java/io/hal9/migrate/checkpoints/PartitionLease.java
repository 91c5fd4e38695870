package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A claimed partition. A daemon thread renews its lease at a third of its length; a renewal that finds another epoch,
 * or none getting through before the lease runs out, loses it, and every later commit of its writer fails.
 */
public final class PartitionLease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PartitionLease.class);

  private final DataSource dataSource;
  private final DSLContext dsl;
  private final LockDialect locks;
  private final Consumer<Event> events;
  private final String runId;
  private final Partition partition;
  private final long leaseSeconds;
  private final ScheduledExecutorService heartbeat;
  private volatile long validUntilNanos;
  private volatile boolean lost;
  private boolean closed;

  PartitionLease(DataSource dataSource, DSLContext dsl, LockDialect locks, Consumer<Event> events, String runId,
      Partition partition, long leaseSeconds) {
    this.dataSource = dataSource;
    this.dsl = dsl;
    this.locks = locks;
    this.events = events;
    this.runId = runId;
    this.partition = partition;
    this.leaseSeconds = leaseSeconds;
    this.validUntilNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(leaseSeconds);
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hal9-partition-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(200, leaseSeconds * 1000 / 3);
    heartbeat.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
  }

  /** The partition as claimed: its cursor, rows and counters are where its work goes on from. */
  public Partition partition() {
    return partition;
  }

  public String runId() {
    return runId;
  }

  public long epoch() {
    return partition.epoch();
  }

  long leaseSeconds() {
    return leaseSeconds;
  }

  public boolean lost() {
    return lost;
  }

  /** Writes fenced by this lease. */
  public PartitionWriter writer() {
    return new PartitionWriter(dsl, this, locks, events);
  }

  Condition mine() {
    return PART_STEP.eq(partition.stepId()).and(PART_NO.eq(partition.number())).and(PART_EPOCH.eq(partition.epoch()));
  }

  private synchronized void renew() {
    if (closed || lost) {
      return;
    }
    long started = System.nanoTime();
    try {
      int renewed = dsl.update(PARTITIONS)
          .set(PART_LEASE_UNTIL, RunLock.leaseUntil(leaseSeconds))
          .set(PART_HEARTBEAT, currentLocalDateTime())
          .where(mine().and(PART_RUN.eq(runId)))
          .execute();
      if (renewed == 0) {
        lost = true;
        log.warn("partition {} of step {} lost: another owner claimed it (this one held epoch {})", partition.number(),
            partition.stepId(), partition.epoch());
        return;
      }
      validUntilNanos = started + TimeUnit.SECONDS.toNanos(leaseSeconds);
      dsl.update(RUNS).set(RUN_HEARTBEAT, currentLocalDateTime()).where(RUN_ID.eq(runId)).execute();
    } catch (RuntimeException e) {
      if (System.nanoTime() > validUntilNanos) {
        lost = true;
        log.warn("partition {} of step {} lost: its lease ran out before it could be renewed ({})", partition.number(),
            partition.stepId(), e.getMessage());
      } else {
        log.warn("partition lease heartbeat failed, trying again: {}", e.getMessage());
      }
    }
  }

  /** The partition as the database has it now, when another holds it; empty while it is this lease's. */
  synchronized Optional<LockLostException> lostTo() {
    try {
      Record row = dsl.select(PARTITION_COLUMNS).from(PARTITIONS)
          .where(PART_STEP.eq(partition.stepId()).and(PART_NO.eq(partition.number()))).fetchOne();
      return lostTo(row);
    } catch (RuntimeException e) {
      return lost ? Optional.of(LockLostException.partition(partition, partition.epoch())) : Optional.empty();
    }
  }

  Optional<LockLostException> lostTo(Record row) {
    if (row == null) {
      return Optional.of(LockLostException.partition(partition, partition.epoch()));
    }
    Partition now = Partitions.partition(row);
    return now.epoch() == partition.epoch() && runId.equals(now.ownerRun()) ? Optional.empty()
        : Optional.of(LockLostException.partition(now, partition.epoch()));
  }

  /** Stops the heartbeat and, unless the partition is done, gives it back for the next claimer, at its cursor. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    heartbeat.shutdownNow();
    try {
      dsl.update(PARTITIONS)
          .set(PART_STATE, PartitionState.PENDING.label())
          .setNull(PART_RUN).setNull(PART_LEASE_UNTIL)
          .set(PART_UPDATED, currentLocalDateTime())
          .where(mine().and(PART_STATE.ne(PartitionState.DONE.label())))
          .execute();
    } catch (RuntimeException e) {
      log.warn("could not give back partition {} of step {} (it is claimable once its lease runs out): {}",
          partition.number(), partition.stepId(), e.getMessage());
    }
  }
}
