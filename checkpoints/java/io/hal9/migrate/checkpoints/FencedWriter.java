package io.hal9.migrate.checkpoints;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * Transactions fenced by a lease: the run lock's ({@link CheckpointWriter}) or a partition's ({@link PartitionWriter}).
 * Whoever lost the lease commits nothing more.
 */
public interface FencedWriter {

  /** @throws LockLostException when the lease was lost; nothing of the transaction is committed */
  <T> T inTransaction(Function<CheckpointTx, T> work);

  default void run(Consumer<CheckpointTx> work) {
    inTransaction(tx -> {
      work.accept(tx);
      return null;
    });
  }

  /** Connections for writes outside {@link #inTransaction}, fenced by the same lease. */
  DataSource fencedDataSource();

  /** Records that step {@code stepId} failed, after {@code first}, retried on fresh connections. */
  void failed(String stepId, String error, Consumer<CheckpointTx> first);

  /** Whether the lease's heartbeat found it lost: no query. */
  boolean leaseLost();

  /** Whether the lease is another's now, as the database has it; empty while it is still this writer's. */
  Optional<LockLostException> lostLock();
}
