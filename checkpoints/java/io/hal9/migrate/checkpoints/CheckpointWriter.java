package io.hal9.migrate.checkpoints;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock holder's transactions. A unit of work and its checkpoint share one transaction, tagged as the holder's
 * first and fenced last (its last statement locks the lease row and checks the epoch): a runner that lost its lease
 * commits nothing of it.
 */
public final class CheckpointWriter implements FencedWriter {
  private static final Logger log = LoggerFactory.getLogger(CheckpointWriter.class);
  /** Attempts to record a failure, each on a fresh connection: the one that failed may be broken. */
  private static final int FAILURE_ATTEMPTS = 5;

  private final DSLContext dsl;
  private final Lease lease;
  private final Fence fence;
  private final DataSource fenced;
  private final Consumer<Event> events;

  CheckpointWriter(DataSource dataSource, DSLContext dsl, Lease lease, LockDialect locks, Consumer<Event> events) {
    this.dsl = dsl;
    this.events = events;
    this.lease = lease;
    this.fence = new Fence(lease, locks);
    this.fenced = new FencedDataSource(dataSource, fence);
  }

  /**
   * Connections for a step's writes outside {@link #inTransaction} (Flyway's migrations, statements that cannot run in
   * a transaction): each commit, and each statement in autocommit mode, fails once the lock is lost.
   */
  @Override
  public DataSource fencedDataSource() {
    return fenced;
  }

  /**
   * @throws LockLostException when the lease was taken over; nothing of the transaction is committed (its events
   *     included)
   */
  @Override
  public <T> T inTransaction(Function<CheckpointTx, T> work) {
    CheckpointTx[] done = new CheckpointTx[1];
    T committed = dsl.transactionResult(cfg -> {
      DSLContext tx = DSL.using(cfg);
      fence.tag(tx);
      CheckpointTx checkpointTx = new CheckpointTx(tx, lease.runId());
      T result = work.apply(checkpointTx);
      fence.check(tx);
      done[0] = checkpointTx;
      return result;
    });
    EventLog.committed(done[0].events(), events);
    return committed;
  }

  /**
   * Records a failure in a transaction of its own, after {@code first} (what the failed transaction would have
   * written first: an atomic step's started mark). The failure may be the database's, its connections cut (a
   * restart, {@code pg_terminate_backend}): each attempt takes a fresh connection from the pool, which drops broken
   * ones, and the attempts back off over a few seconds.
   *
   * @throws LockLostException when the lock turns out to be lost: the record is fenced like any write
   * @throws RuntimeException the last attempt's failure, when none got through
   */
  @Override
  public void failed(String stepId, String error, Consumer<CheckpointTx> first) {
    failed(this, stepId, error, first);
  }

  /** The failure record of any fenced writer, each attempt on a fresh connection. */
  static void failed(FencedWriter writer, String stepId, String error, Consumer<CheckpointTx> first) {
    long backoff = 100;
    for (int attempt = 1; ; attempt++) {
      try {
        writer.run(tx -> {
          first.accept(tx);
          tx.failed(stepId, error);
        });
        return;
      } catch (LockLostException e) {
        throw e;
      } catch (RuntimeException e) {
        if (attempt == FAILURE_ATTEMPTS) {
          throw e;
        }
        log.warn("recording the failure of step {} failed (attempt {} of {}), trying again: {}", stepId, attempt,
            FAILURE_ATTEMPTS, e.getMessage());
        Sleep.millis(backoff);
        backoff *= 3;
      }
    }
  }

  /** Whether the lease's heartbeat found the lock lost: no query, for a runner that waits between batches. */
  @Override
  public boolean leaseLost() {
    return lease.lost();
  }

  /**
   * Whether this runner lost the lock, read on the lease's own connection. Asked when a batch fails: a runner cut
   * off by a takeover fails with a broken connection or a duplicate key before its fence can tell, and on H2 the
   * pool may hand the broken connection out again. Empty while the lock is held, or when the lease's connection
   * cannot tell (then the fenced failure record decides).
   */
  @Override
  public Optional<LockLostException> lostLock() {
    Optional<LockLostException> lost = lease.lostTo();
    if (lost.isEmpty() && lease.lost()) {
      return Optional.of(LockLostException.noticed(lease.epoch()));
    }
    return lost;
  }
}
