package io.hal9.migrate.engine.internal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.checkpoints.CheckpointStore;
import io.hal9.migrate.checkpoints.CheckpointTx;
import io.hal9.migrate.checkpoints.FencedWriter;
import io.hal9.migrate.checkpoints.Partition;
import io.hal9.migrate.checkpoints.Event;
import io.hal9.migrate.checkpoints.EventType;
import io.hal9.migrate.checkpoints.RowRecords;
import io.hal9.migrate.checkpoints.RowReject;
import io.hal9.migrate.checkpoints.RowSnapshot;
import io.hal9.migrate.checkpoints.RunLock;
import io.hal9.migrate.checkpoints.SnapshotPage;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.engine.api.ProgressListener.StepInfo;
import io.hal9.migrate.engine.api.ProgressListener;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.PrometheusQuery;
import io.hal9.migrate.engine.spi.Rejects;
import io.hal9.migrate.engine.spi.Snapshot;
import io.hal9.migrate.engine.spi.Snapshots;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.ResultQuery;
import org.jooq.SQLDialect;
import org.jooq.Select;
import org.jooq.Table;

/**
 * One step, or one partition of it, being applied or undone: its checkpoint as committed so far (the step's row, or
 * the partition's), and the one way to commit more.
 */
final class StepRun implements StepContext {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final StepDefinition definition;
  private final Direction direction;
  private final StepInfo info;
  private final FencedWriter writer;
  /** The partition this run works, or null for the whole step. */
  private final Partition partition;
  private final DSLContext reads;
  private final RowRecords records;
  private final ProgressListener progress;
  private final BooleanSupplier stopRequested;
  private String cursor;
  private long rows;
  private String counters;
  private String undoRecord;
  private volatile long total = -1;
  private boolean completed;
  private Consumer<CheckpointTx> onDone = tx -> {};
  private Consumer<CheckpointTx> firstWrite;
  private final Pacing pacing;
  private final MeterRegistry meters;
  private final CheckpointStore store;
  private final java.net.URI prometheus;
  /** Rows the batch being written rejected, and the first of them, for its event. */
  private int rejected;
  private String firstRejected;

  /** @param checkpoint the step's checkpoint as it stands, or null on its first run */
  StepRun(StepDefinition definition, StepCheckpoint checkpoint, Direction direction, Engine engine, FencedWriter writer) {
    this(definition, checkpoint, direction, engine, writer, null, engine.settings().progress());
  }

  /**
   * @param checkpoint the partition's checkpoint, as {@link PartitionWork} reads it
   * @param progress told of the partition's batches
   */
  StepRun(StepDefinition definition, StepCheckpoint checkpoint, Direction direction, Engine engine, FencedWriter writer,
      Partition partition, ProgressListener progress) {
    this.definition = definition;
    this.direction = direction;
    this.info = new StepInfo(definition.version(), definition.id(), definition.type());
    this.writer = writer;
    this.partition = partition;
    this.reads = engine.reads();
    RowRecords all = engine.store().rows(definition.id());
    this.records = partition != null && partition.undo() ? all.within(partition.lower(), partition.upper()) : all;
    this.progress = progress;
    this.stopRequested = engine::stopRequested;
    boolean resumes = direction.resumes(checkpoint);
    this.cursor = resumes ? checkpoint.cursor() : null;
    this.rows = resumes ? checkpoint.rows() : 0;
    this.counters = direction.keepsCounters(checkpoint) ? checkpoint.counters() : null;
    this.undoRecord = checkpoint == null ? null : checkpoint.undoRecord();
    this.total = resumes && checkpoint.expected() >= 0 ? checkpoint.expected() : -1;
    this.pacing = new Pacing(definition, info, engine, writer, stopRequested);
    this.meters = engine.settings().meters();
    this.store = engine.store();
    this.prometheus = engine.settings().prometheus();
  }

  StepInfo info() {
    return info;
  }

  /** The whole step's progress as its partitions committed it, summed by {@link PartitionedStep}. */
  void summed(long rows, String counters, long total) {
    this.rows = rows;
    this.counters = counters;
    this.total = total;
  }

  /** What the first transaction writes first (an atomic step's started mark), until one commits. */
  void firstWrite(Consumer<CheckpointTx> first) {
    this.firstWrite = first;
  }

  /** What the first transaction would have written first, while none committed; else nothing. */
  Consumer<CheckpointTx> pendingFirstWrite() {
    return firstWrite == null ? tx -> {} : firstWrite;
  }

  /** What else commits in the transaction that marks the step done (the version's history line). */
  void onDone(Consumer<CheckpointTx> onDone) {
    this.onDone = onDone;
  }

  /** Marks the step done (rolled back) with its last batch, if the step did not. */
  void completeIfNot() {
    if (!completed) {
      complete(tx -> Batch.of(cursor, 0));
    }
  }

  @Override
  public StepDefinition definition() {
    return definition;
  }

  @Override
  public DataSource dataSource() {
    return writer.fencedDataSource();
  }

  @Override
  public SQLDialect dialect() {
    return reads.dialect();
  }

  @Override
  public DSLContext dsl() {
    return reads;
  }

  @Override
  public String cursor() {
    return cursor;
  }

  @Override
  public String upTo() {
    return partition == null || partition.undo() ? null : partition.upper();
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public <C> C counters(Class<C> type) {
    return read(counters, type, "counters");
  }

  @Override
  public <U> U undoRecord(Class<U> type) {
    return read(undoRecord, type, "undo record");
  }

  @Override
  public void recordUndo(Object record) {
    String json = write(record);
    writer.run(tx -> {
      pendingFirstWrite().accept(tx);
      tx.undoRecorded(definition.id(), json);
    });
    firstWrite = null;
    undoRecord = json;
  }

  @Override
  public Snapshots snapshots() {
    return new Snapshots() {
      @Override
      public void save(DSLContext tx, List<Snapshot> snapshots) {
        records.snapshotted(tx, snapshots.stream().map(s -> new RowSnapshot(s.key(), s.before())).toList());
      }

      @Override
      public void save(DSLContext tx, Select<? extends Record2<String, String>> selected) {
        records.snapshotted(tx, selected);
      }

      @Override
      public ResultQuery<?> saving(Table<?> rows, Field<?> key, Field<?> before, Field<String> batchKey) {
        return records.snapshotting(rows, key, before, batchKey);
      }

      @Override
      public Page after(String afterKey, int limit) {
        SnapshotPage page = records.snapshots(afterKey, limit);
        return new Page(page.rows().stream().map(s -> new Snapshot(s.key(), s.before())).toList(), page.last());
      }

      @Override
      public void remove(DSLContext tx, Collection<String> keys) {
        records.snapshotsRemoved(tx, keys);
      }

      @Override
      public void removeThrough(DSLContext tx, String lastKey) {
        records.snapshotsRemovedThrough(tx, lastKey);
      }
    };
  }

  @Override
  public Rejects rejects() {
    return new Rejects() {
      @Override
      public void save(DSLContext tx, List<io.hal9.migrate.engine.spi.Reject> rejects) {
        records.rejected(tx, rejects.stream().map(r -> new RowReject(r.key(), r.reason())).toList());
        if (!rejects.isEmpty() && rejected == 0) {
          firstRejected = "row " + rejects.get(0).key() + ": " + rejects.get(0).reason();
        }
        rejected += rejects.size();
      }

      @Override
      public void clear(DSLContext tx) {
        records.rejectsCleared(tx);
      }
    };
  }

  @Override
  public MeterRegistry meters() {
    return meters;
  }

  @Override
  public void expect(long totalRows) {
    if (partition == null) {
      this.total = totalRows; // a partition's rows were counted when the step was split
    }
  }

  @Override
  public Routing routing() {
    return Routings.api(store.routing());
  }

  @Override
  public Batch route(Routing routing, String reason, boolean rollback, Batch batch) {
    Batch committed = write(tx -> {
      tx.routed(Routings.state(routing), RunLock.thisProcess(), info.version(), info.id(), reason, rollback);
      return batch;
    }, false);
    progress.routed(routing);
    return committed;
  }

  @Override
  public String abortRequestedBy() {
    return store.abortRequestedBy();
  }

  @Override
  public void warn(String message) {
    writer.run(tx -> tx.event(new Event(EventType.STEP_WARNING, info.version(), info.id(), message)));
  }

  @Override
  public Optional<PrometheusQuery> prometheus() {
    return Optional.ofNullable(prometheus).map(PrometheusQuery::new);
  }

  @Override
  public Batch commit(Function<DSLContext, Batch> work) {
    Batch batch = write(tx -> work.apply(tx.dsl()), false);
    if (stopRequested.getAsBoolean()) {
      throw new StopRequested();
    }
    return batch;
  }

  @Override
  public Batch complete(Function<DSLContext, Batch> work) {
    return write(tx -> work.apply(tx.dsl()), true);
  }

  @Override
  public RuntimeException lockLostOr(RuntimeException failure, Supplier<String> committed) {
    return StepFailures.lockLost(failure, writer)
        .<RuntimeException>map(lost -> lost.committed(committed.get()))
        .orElse(failure);
  }

  private Batch write(Function<CheckpointTx, Batch> work, boolean done) {
    if (completed) {
      throw new IllegalStateException("step '" + definition.id() + "' is already complete");
    }
    pacing.beforeBatch();
    long started = System.nanoTime();
    String[] json = new String[1];
    Batch batch = writer.inTransaction(tx -> {
      rejected = 0;
      pendingFirstWrite().accept(tx);
      Batch b = work.apply(tx);
      json[0] = b.counters() != null ? write(b.counters()) : counters;
      if (partition == null) {
        tx.progressed(definition.id(), b.cursor(), rows + b.rows(), json[0], total);
      } else {
        tx.partitionProgressed(partition, b.cursor(), rows + b.rows(), json[0]);
      }
      if (rejected > 0) {
        tx.event(new Event(EventType.ROWS_REJECTED, info.version(), info.id(), rejected + " rows rejected in a batch"
            + " (see hal9_rejects); first: " + firstRejected));
      }
      if (done && partition != null) {
        tx.partitionDone(partition);
        tx.event(new Event(EventType.PARTITION_DONE, info.version(), info.id(), "partition " + partition.number()
            + (direction == Direction.UNDO ? " rolled back: " : " done: ") + (rows + b.rows()) + " rows"));
      } else if (done && direction == Direction.UNDO) {
        tx.rolledBack(definition.id());
        tx.event(new Event(EventType.STEP_FINISHED, info.version(), info.id(), "rolled back: " + (rows + b.rows()) + " rows undone"));
      } else if (done) {
        tx.finished(definition.id());
        tx.event(new Event(EventType.STEP_FINISHED, info.version(), info.id(), "done: " + (rows + b.rows()) + " rows"));
        onDone.accept(tx);
      }
      return b;
    });
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    if (rejected > 0) {
      progress.rowsRejected(info, rejected);
    }
    pacing.afterBatch(batch.rows(), took);
    firstWrite = null;
    cursor = batch.cursor();
    rows += batch.rows();
    counters = json[0];
    completed = done;
    progress.transactionCommitted(info, took);
    progress.batchCommitted(info, rows, total);
    return batch;
  }

  private <T> T read(String json, Class<T> type, String what) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("step '" + definition.id() + "': its " + what + " " + json + " do not read as "
          + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
