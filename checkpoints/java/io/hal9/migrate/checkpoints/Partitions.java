package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;
import static org.jooq.impl.DSL.inline;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The partitions of partitioned steps (hal9_partitions) and the processes that claim them. A claim is one short
 * transaction: the first claimable row (unclaimed, its owner's lease run out, or its owner's process gone from this
 * host) of a running step, locked while others pass over it, its epoch raised, its owner and lease set.
 */
public final class Partitions {
  private final DataSource dataSource;
  private final DSLContext dsl;
  private final LockDialect locks;
  private final Consumer<Event> events;

  Partitions(DataSource dataSource, DSLContext dsl, LockDialect locks, Consumer<Event> events) {
    this.dataSource = dataSource;
    this.dsl = dsl;
    this.locks = locks;
    this.events = events;
  }

  /** The step's partitions by number; none when it is not partitioned. */
  public List<Partition> of(String stepId) {
    return dsl.select(PARTITION_COLUMNS).from(PARTITIONS).where(PART_STEP.eq(stepId)).orderBy(PART_NO).fetch(Partitions::partition);
  }

  /** Every partition by step, each step's by number. */
  public Map<String, List<Partition>> all() {
    Map<String, List<Partition>> all = new LinkedHashMap<>();
    for (Record row : dsl.select(PARTITION_COLUMNS).from(PARTITIONS).orderBy(PART_STEP, PART_NO).fetch()) {
      Partition partition = partition(row);
      all.computeIfAbsent(partition.stepId(), s -> new ArrayList<>()).add(partition);
    }
    return all;
  }

  /**
   * Records a process that works partitions (a {@code worker}) in hal9_runs, as a run without the lock.
   *
   * @return its run id, the owner its claims carry
   */
  public String enlist(String command) {
    String runId = UUID.randomUUID().toString();
    dsl.insertInto(RUNS)
        .set(RUN_ID, runId)
        .set(RUN_COMMAND, command)
        .set(RUN_HOST, RunLock.host())
        .set(RUN_PID, ProcessHandle.current().pid())
        .set(RUN_STATE, RunState.RUNNING.label())
        .set(RUN_STARTED, currentLocalDateTime())
        .set(RUN_HEARTBEAT, currentLocalDateTime())
        .execute();
    return runId;
  }

  public void leave(String runId, RunState state) {
    dsl.update(RUNS).set(RUN_STATE, state.label()).set(RUN_FINISHED, currentLocalDateTime()).where(RUN_ID.eq(runId)).execute();
  }

  /**
   * Claims, for {@code runId}, the next partition that no live owner holds of a step among {@code stepIds} (those the
   * claimer's plans have) that is running (its apply partitions) or rolling back (its undo partitions).
   *
   * @return its lease, renewed by a heartbeat until closed; empty when there is none to claim
   */
  public Optional<PartitionLease> claim(String runId, Collection<String> stepIds, Duration lease) {
    long leaseSeconds = Math.max(1, lease.toSeconds());
    Event[] claimed = new Event[1];
    Optional<Partition> partition = dsl.transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      List<String> open = claimable(tx).stream().filter(stepIds::contains).toList();
      if (open.isEmpty()) {
        return Optional.<Partition>empty();
      }
      Field<LocalDateTime> now = currentLocalDateTime();
      Record row = locks.lockingFree(tx.select(PARTITION_COLUMNS).from(PARTITIONS)
          .where(PART_STEP.in(open)
              .and(PART_STATE.ne(PartitionState.DONE.label()))
              .and(PART_RUN.isNull().or(PART_LEASE_UNTIL.lt(now)).or(ownerGone(tx, open))))
          .orderBy(PART_STEP, PART_NO).limit(1)).fetchOne();
      if (row == null) {
        return Optional.<Partition>empty();
      }
      Partition before = partition(row);
      int updated = tx.update(PARTITIONS)
          .set(PART_EPOCH, before.epoch() + 1)
          .set(PART_RUN, runId)
          .set(PART_HOST, RunLock.host())
          .set(PART_PID, ProcessHandle.current().pid())
          .set(PART_STATE, PartitionState.RUNNING.label())
          .set(PART_LEASE_UNTIL, RunLock.leaseUntil(leaseSeconds))
          .set(PART_HEARTBEAT, currentLocalDateTime())
          .set(PART_CLAIMS, PART_CLAIMS.plus(inline(1)))
          .set(PART_UPDATED, currentLocalDateTime())
          .where(PART_STEP.eq(before.stepId()).and(PART_NO.eq(before.number())).and(PART_EPOCH.eq(before.epoch())))
          .execute();
      if (updated == 0) {
        return Optional.<Partition>empty(); // H2: claimed by the transaction this one waited for; look again
      }
      int of = tx.fetchCount(PARTITIONS, PART_STEP.eq(before.stepId()));
      String version = tx.select(STEP_VERSION).from(STEPS).where(STEP_ID.eq(before.stepId())).fetchOne(STEP_VERSION);
      String what = "partition " + before.number() + " of " + of;
      String by = RunLock.thisProcess();
      claimed[0] = before.ownerRun() == null
          ? new Event(EventType.PARTITION_CLAIMED, version, before.stepId(), what + " claimed by " + by
              + (before.cursor() == null ? "" : ", after row " + before.rows()))
          : new Event(EventType.PARTITION_TAKEN_OVER, version, before.stepId(), what + " taken over by " + by + " from "
              + before.owner() + " (" + (gone(before) ? "its process is gone" : "its lease ran out at " + before.leaseUntil())
              + "), after row " + before.rows());
      if (before.ownerRun() != null && !before.ownerRun().equals(runId)) {
        // Its owner stalled or died: its run says so, as a run lock's holder taken over does.
        tx.update(RUNS).set(RUN_STATE, RunState.ABANDONED.label())
            .where(RUN_ID.eq(before.ownerRun()).and(RUN_STATE.eq(RunState.RUNNING.label())).and(RUN_EPOCH.isNull()))
            .execute();
      }
      EventLog.insert(tx, runId, claimed[0]);
      return Optional.of(partition(tx.select(PARTITION_COLUMNS).from(PARTITIONS)
          .where(PART_STEP.eq(before.stepId()).and(PART_NO.eq(before.number()))).fetchOne()));
    });
    if (partition.isEmpty()) {
      return Optional.empty();
    }
    EventLog.committed(List.of(claimed[0]), events);
    return Optional.of(new PartitionLease(dataSource, dsl, locks, events, runId, partition.get(), leaseSeconds));
  }

  /**
   * The claimed partitions of {@code stepIds} whose owner's process is gone from this host: claimable at once, as the
   * run lock of a dead holder is (see RunLock), not only once its lease runs out (a runner killed with -9 and run
   * again would otherwise wait out the whole lease for the partition it held).
   */
  private static Condition ownerGone(DSLContext tx, List<String> stepIds) {
    Condition gone = DSL.falseCondition();
    for (Record row : tx.select(PARTITION_COLUMNS).from(PARTITIONS)
        .where(PART_STEP.in(stepIds).and(PART_STATE.ne(PartitionState.DONE.label())).and(PART_RUN.isNotNull())
            .and(PART_HOST.eq(RunLock.host())))
        .fetch()) {
      Partition partition = partition(row);
      if (gone(partition)) {
        gone = gone.or(PART_STEP.eq(partition.stepId()).and(PART_NO.eq(partition.number())));
      }
    }
    return gone;
  }

  private static boolean gone(Partition partition) {
    return RunLock.host().equals(partition.ownerHost()) && partition.ownerPid() > 0
        && !ProcessHandle.of(partition.ownerPid()).map(ProcessHandle::isAlive).orElse(false);
  }

  /** The steps with partitions left to work now: running ones' apply partitions, those rolling back their undo ones. */
  public List<String> claimable() {
    return claimable(dsl);
  }

  private static List<String> claimable(DSLContext on) {
    return on.selectDistinct(PART_STEP).from(PARTITIONS).join(STEPS).on(STEP_ID.eq(PART_STEP))
        .where(PART_STATE.ne(PartitionState.DONE.label())
            .and(STEP_STATE.eq(StepState.RUNNING.label()).and(PART_DIRECTION.eq("apply"))
                .or(STEP_STATE.eq(StepState.ROLLING_BACK.label()).and(PART_DIRECTION.eq("undo")))))
        .fetch(PART_STEP);
  }

  static Partition partition(Record row) {
    return new Partition(
        row.get(PART_STEP),
        row.get(PART_NO),
        "undo".equals(row.get(PART_DIRECTION)),
        row.get(PART_LOWER),
        row.get(PART_UPPER),
        PartitionState.of(row.get(PART_STATE)),
        row.get(PART_CURSOR),
        row.get(PART_ROWS),
        row.get(PART_EXPECTED) == null ? -1 : row.get(PART_EXPECTED),
        row.get(PART_COUNTERS),
        row.get(PART_EPOCH),
        row.get(PART_RUN),
        row.get(PART_HOST),
        row.get(PART_PID) == null ? -1 : row.get(PART_PID),
        row.get(PART_LEASE_UNTIL),
        row.get(PART_HEARTBEAT),
        row.get(PART_CLAIMS),
        row.get(PART_FINISHED));
  }
}
