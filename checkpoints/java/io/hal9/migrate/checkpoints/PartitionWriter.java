package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * A partition owner's transactions: a batch and the partition's checkpoint commit together, fenced last by the
 * partition row (locked, its epoch checked), so an owner whose lease ran out and whose partition was claimed again
 * commits nothing more. The run lock is not involved: owners on many machines commit side by side.
 */
public final class PartitionWriter implements FencedWriter {
  private final DSLContext dsl;
  private final PartitionLease lease;
  private final LockDialect locks;
  private final Consumer<Event> events;

  PartitionWriter(DSLContext dsl, PartitionLease lease, LockDialect locks, Consumer<Event> events) {
    this.dsl = dsl;
    this.lease = lease;
    this.locks = locks;
    this.events = events;
  }

  public Partition partition() {
    return lease.partition();
  }

  @Override
  public <T> T inTransaction(Function<CheckpointTx, T> work) {
    CheckpointTx[] done = new CheckpointTx[1];
    T committed = dsl.transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      locks.limitIdleTransaction(tx, lease.leaseSeconds());
      CheckpointTx checkpointTx = new CheckpointTx(tx, lease.runId());
      T result = work.apply(checkpointTx);
      Partition partition = lease.partition();
      Record row = tx.select(PARTITION_COLUMNS).from(PARTITIONS)
          .where(PART_STEP.eq(partition.stepId()).and(PART_NO.eq(partition.number()))).forUpdate().fetchOne();
      Optional<LockLostException> lost = lease.lostTo(row);
      if (lost.isPresent()) {
        throw lost.get();
      }
      done[0] = checkpointTx;
      return result;
    });
    EventLog.committed(done[0].events(), events);
    return committed;
  }

  /** A partition's steps write in its transactions only (the data steps that partition do). */
  @Override
  public DataSource fencedDataSource() {
    throw new UnsupportedOperationException("a partition of a step writes in its batch transactions only");
  }

  @Override
  public void failed(String stepId, String error, Consumer<CheckpointTx> first) {
    CheckpointWriter.failed(this, stepId, error, first);
  }

  @Override
  public boolean leaseLost() {
    return lease.lost();
  }

  @Override
  public Optional<LockLostException> lostLock() {
    Optional<LockLostException> lost = lease.lostTo();
    if (lost.isEmpty() && lease.lost()) {
      return Optional.of(LockLostException.partition(lease.partition(), lease.epoch()));
    }
    return lost;
  }
}
