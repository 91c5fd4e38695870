package io.hal9.migrate.engine.internal.metrics;

import io.hal9.migrate.engine.api.ProgressListener;
import io.hal9.migrate.engine.api.Routing;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The engine's meters, fed by its progress calls, every call passed on to the listener it wraps: rows per step,
 * each batch's commit latency, the running step's checkpoint age, each step's state, and the series HAL9's
 * migration dashboard reads (neurons migrated and total, progress percent, health, events), and why a step holds
 * back (paused, throttled), its ETA, the lock's epoch and holder. The gauges hold their state strongly: a command
 * pushes its final values after the engine is closed.
 */
public final class MigrationMeters implements ProgressListener {
  /** A step's states as the {@code state} label of {@code hal9_migrate_step_state}. */
  static final List<String> STATES = List.of("running", "paused", "done", "failed", "stopped");
  /** The limits a step can be throttled by, as the {@code reason} label of {@code hal9_migrate_throttled}. */
  static final List<String> THROTTLES = List.of("max-rows-per-second", "max-replication-lag", "max-commit-ms", "throttle-query");
  /** HAL9's phase label of events, until a rollout names one. */
  private static final String NO_PHASE = "none";
  /** The rollout's phases in the order of HAL9's value mapping of {@code hal9_migration_phase}: 1 shadow .. 5 full. */
  public static final List<String> PHASES = List.of("shadow", "canary", "state-migration", "ramp-up", "full");

  private static final String NEURON_STATE = "neuron-state";

  /** The histogram buckets of a batch's commit: from a small batch on a quiet server to one that hangs. */
  private static final Duration[] COMMIT_BUCKETS = Stream.of(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000)
      .map(Duration::ofMillis).toArray(Duration[]::new);

  private final MeterRegistry registry;
  private final ProgressListener next;
  private final Map<StepInfo, StepMeters> steps = new ConcurrentHashMap<>();
  private volatile StepMeters running;
  /** Why the running step holds back, or null. */
  private volatile String held;
  private volatile boolean healthy = true;
  private final AtomicLong epoch = new AtomicLong();
  private final Counter retries;
  private volatile Routing routing = Routing.NONE;

  public MigrationMeters(MeterRegistry registry, ProgressListener next) {
    this.registry = registry;
    this.next = next;
    Gauge.builder("hal9.migrate.checkpoint.age", this, MigrationMeters::checkpointAgeSeconds).baseUnit("seconds").strongReference(true)
        .description("Seconds since the running step last committed a checkpoint (0 while no step runs)").register(registry);
    Gauge.builder("hal9.migration.neurons.migrated", this, m -> m.neurons(false)).strongReference(true)
        .description("Rows the neuron-state steps of this run have migrated").register(registry);
    // A counter only because Prometheus keeps the _total suffix HAL9's dashboard reads for counters; the value
    // only grows, as steps announce their rows.
    FunctionCounter.builder("hal9.migration.neurons", this, m -> m.neurons(true))
        .description("Rows the neuron-state steps of this run have to migrate").register(registry);
    Gauge.builder("hal9.migration.progress.percent", this, MigrationMeters::progressPercent).strongReference(true)
        .description("Rows done of the rows to do, over the data steps of this run").register(registry);
    Gauge.builder("hal9.migration.health.status", this, m -> m.healthy ? 1 : 0).strongReference(true)
        .description("1 while healthy; 0 after a step failed (a health check included), until a later step is done")
        .register(registry);
    Gauge.builder("hal9.migrate.paused", this, m -> m.held != null && m.held.startsWith("paused") ? 1 : 0).strongReference(true)
        .description("1 while the running step waits for resume").register(registry);
    for (String reason : THROTTLES) {
      Gauge.builder("hal9.migrate.throttled", this, m -> m.held != null && m.held.contains(reason) ? 1 : 0).tag("reason", reason)
          .strongReference(true).description("1 while the running step is held back by this limit").register(registry);
    }
    Gauge.builder("hal9.migrate.lock.epoch", epoch, AtomicLong::get).strongReference(true)
        .description("The fencing epoch of this process's run lock (0 before it holds one)").register(registry);
    Gauge.builder("hal9.migration.phase", this, m -> PHASES.indexOf(m.routing.phase()) + 1).strongReference(true)
        .description("The rollout's phase: 1 shadow, 2 canary, 3 state-migration, 4 ramp-up, 5 full; 0 before any")
        .register(registry);
    Gauge.builder("hal9.migration.traffic.percent", this, m -> m.routing.hierarchicalPercent()).tag("system", "hierarchical")
        .strongReference(true).description("The share of requests the hierarchical system serves").register(registry);
    Gauge.builder("hal9.migration.traffic.percent", this, m -> m.routing.flatPercent()).tag("system", "flat")
        .strongReference(true).description("The share of requests the flat system serves").register(registry);
    retries = Counter.builder("hal9.migrate.step.retries").description("Steps started again after they had failed")
        .register(registry);
  }

  @Override
  public void runStarted(String runId, long epoch) {
    this.epoch.set(epoch);
    Gauge.builder("hal9.migrate.lock.holder", () -> 1).tags("run", runId, "host", io.hal9.migrate.checkpoints.RunLock.host()).strongReference(true)
        .description("1 for the run holding the lock in this process").register(registry);
    next.runStarted(runId, epoch);
  }

  @Override
  public void held(StepInfo step, String reason) {
    held = reason;
    StepMeters meters = steps.get(step);
    if (meters != null && (meters.state.equals("running") || meters.state.equals("paused"))) {
      meters.state = reason != null && reason.startsWith("paused") ? "paused" : "running";
    }
    next.held(step, reason);
  }

  @Override
  public void rowsRejected(StepInfo step, long rows) {
    steps.computeIfAbsent(step, StepMeters::new).rejects.increment(rows);
    next.rowsRejected(step, rows);
  }

  @Override
  public void routed(Routing routing) {
    this.routing = routing;
    for (String flag : routing.flags().keySet()) {
      // Registered once per flag (Micrometer keeps the first); each reads the routing as it is now.
      Gauge.builder("hal9.feature.flag.enabled", this, m -> m.flag(flag).enabled() ? 1 : 0).tag("flag", flag).strongReference(true)
          .description("1 while the feature flag is on").register(registry);
      Gauge.builder("hal9.feature.flag.percentage", this, m -> m.flag(flag).percentage()).tag("flag", flag).strongReference(true)
          .description("The share of requests the feature flag is on for").register(registry);
    }
    next.routed(routing);
  }

  private Routing.Flag flag(String name) {
    return routing.flags().getOrDefault(name, new Routing.Flag(false, 0));
  }

  @Override
  public void eventRecorded(String type, String severity, String message) {
    String phase = routing.phase() == null ? NO_PHASE : routing.phase();
    Counter.builder("hal9.migration.events").tags("event_type", type, "phase", phase, "severity", severity)
        .description("Events recorded by this process (hal9_events)").register(registry).increment();
    if (type.equals("step_retried")) {
      retries.increment();
    }
    next.eventRecorded(type, severity, message);
  }


  @Override
  public void stepStarted(StepInfo step, long rowsDone) {
    StepMeters meters = steps.computeIfAbsent(step, StepMeters::new);
    meters.done.set(rowsDone);
    meters.state = "running";
    meters.lastCheckpoint = System.nanoTime();
    meters.startedNanos = System.nanoTime();
    meters.startRows = rowsDone;
    running = meters;
    next.stepStarted(step, rowsDone);
  }

  @Override
  public void partitionClaimed(StepInfo step, int partition, long rowsDone, long total) {
    StepMeters meters = steps.computeIfAbsent(step, StepMeters::new);
    meters.partitioned = true;
    PartitionMeters p = meters.partitions.computeIfAbsent(partition, n -> new PartitionMeters(step, n));
    p.done.set(rowsDone);
    p.total.set(total);
    next.partitionClaimed(step, partition, rowsDone, total);
  }

  @Override
  public void partitionCommitted(StepInfo step, int partition, long rowsDone, long total) {
    StepMeters meters = steps.computeIfAbsent(step, StepMeters::new);
    PartitionMeters p = meters.partitions.computeIfAbsent(partition, n -> new PartitionMeters(step, n));
    meters.rows.increment(Math.max(0, rowsDone - p.done.getAndSet(rowsDone)));
    p.total.set(total);
    meters.lastCheckpoint = System.nanoTime();
    next.partitionCommitted(step, partition, rowsDone, total);
  }

  /** For a partitioned step, the whole step's rows as this process knows them; its own rows come by partition. */
  @Override
  public void batchCommitted(StepInfo step, long rowsDone, long total) {
    StepMeters meters = steps.computeIfAbsent(step, StepMeters::new);
    long before = meters.done.getAndSet(rowsDone);
    if (!meters.partitioned) {
      meters.rows.increment(Math.max(0, rowsDone - before));
    }
    meters.total.set(total);
    meters.lastCheckpoint = System.nanoTime();
    next.batchCommitted(step, rowsDone, total);
  }

  @Override
  public void transactionCommitted(StepInfo step, Duration took) {
    steps.computeIfAbsent(step, StepMeters::new).commits.record(took);
    next.transactionCommitted(step, took);
  }

  @Override
  public void stepFinished(StepInfo step, Ending ending, long rowsDone, Duration elapsed) {
    StepMeters meters = steps.computeIfAbsent(step, StepMeters::new);
    long before = meters.done.getAndSet(rowsDone);
    if (!meters.partitioned) {
      meters.rows.increment(Math.max(0, rowsDone - before));
    }
    meters.state = ending.label();
    held = null;
    if (ending == Ending.FAILED) {
      healthy = false;
    } else if (ending == Ending.DONE) {
      healthy = true;
    }
    if (ending == Ending.DONE && meters.total.get() < rowsDone) {
      meters.total.set(rowsDone);
    }
    if (running == meters) {
      running = null;
    }
    next.stepFinished(step, ending, rowsDone, elapsed);
  }

  private double checkpointAgeSeconds() {
    StepMeters step = running;
    return step == null ? 0 : (System.nanoTime() - step.lastCheckpoint) / 1e9;
  }

  private double neurons(boolean total) {
    long sum = 0;
    for (StepMeters step : steps.values()) {
      if (step.info.type().equals(NEURON_STATE)) {
        sum += total ? Math.max(step.total.get(), step.done.get()) : step.done.get();
      }
    }
    return sum;
  }

  /** Over the steps whose row count is known; 100 once they are all done, 0 before any. */
  private double progressPercent() {
    long done = 0;
    long total = 0;
    for (StepMeters step : steps.values()) {
      if (step.total.get() > 0) {
        done += Math.min(step.done.get(), step.total.get());
        total += step.total.get();
      }
    }
    return total == 0 ? 0 : 100.0 * done / total;
  }

  /** One step's meters, tagged with its version, id and type. */
  private final class StepMeters {
    final StepInfo info;
    final AtomicLong done = new AtomicLong();
    /** -1 until the step announces its row count. */
    final AtomicLong total = new AtomicLong(-1);
    final Counter rows;
    final Counter rejects;
    final Timer commits;
    volatile String state = "running";
    volatile long lastCheckpoint = System.nanoTime();
    volatile long startedNanos = System.nanoTime();
    volatile long startRows;
    /** Whether the step's rows come partition by partition (see {@link #partitionClaimed}). */
    volatile boolean partitioned;
    final Map<Integer, PartitionMeters> partitions = new ConcurrentHashMap<>();

    StepMeters(StepInfo info) {
      this.info = info;
      Tags tags = Tags.of("version", info.version(), "step", info.id(), "type", info.type());
      rows = Counter.builder("hal9.migrate.rows").tags(tags).description("Rows a step committed in this process")
          .register(registry);
      rejects = Counter.builder("hal9.migrate.rejects").tags(tags).description("Rows a step rejected in this process")
          .register(registry);
      Gauge.builder("hal9.migrate.step.elapsed", this, m -> m.state.equals("running") || m.state.equals("paused")
          ? (System.nanoTime() - m.startedNanos) / 1e9 : 0).tags(tags).baseUnit("seconds").strongReference(true)
          .description("Seconds the step has run in this process (0 once it ended)").register(registry);
      Gauge.builder("hal9.migrate.step.eta", this, StepMeters::etaSeconds).tags(tags).baseUnit("seconds").strongReference(true)
          .description("Seconds the running step needs yet at its rate in this process (-1 unknown, 0 once it ended)")
          .register(registry);
      commits = Timer.builder("hal9.migrate.batch.commit").tags(tags)
          .description("A batch's transaction: its writes, its checkpoint and the commit")
          .serviceLevelObjectives(COMMIT_BUCKETS).register(registry);
      Gauge.builder("hal9.migrate.step.rows.done", done, AtomicLong::get).tags(tags).strongReference(true)
          .description("Rows the step has committed, in this process and before").register(registry);
      Gauge.builder("hal9.migrate.step.rows.expected", total, AtomicLong::get).tags(tags).strongReference(true)
          .description("Rows the step has to do (-1 until known)").register(registry);
      for (String each : STATES) {
        Gauge.builder("hal9.migrate.step.state", this, m -> m.state.equals(each) ? 1 : 0).tags(tags.and("state", each)).strongReference(true)
            .description("1 for the step's state").register(registry);
      }
    }

    double etaSeconds() {
      if (!state.equals("running") && !state.equals("paused")) {
        return 0;
      }
      long doneHere = done.get() - startRows;
      double elapsed = (System.nanoTime() - startedNanos) / 1e9;
      if (total.get() < 0 || doneHere <= 0 || elapsed <= 0) {
        return -1;
      }
      return Math.max(0, total.get() - done.get()) / (doneHere / elapsed);
    }
  }

  /** A partition this process worked: its rows done and expected, labelled with its number. */
  private final class PartitionMeters {
    final AtomicLong done = new AtomicLong();
    final AtomicLong total = new AtomicLong(-1);

    PartitionMeters(StepInfo info, int partition) {
      Tags tags = Tags.of("version", info.version(), "step", info.id(), "type", info.type(), "partition", Integer.toString(partition));
      Gauge.builder("hal9.migrate.partition.rows.done", done, AtomicLong::get).tags(tags).strongReference(true)
          .description("Rows of the partition committed, as of its last batch in this process").register(registry);
      Gauge.builder("hal9.migrate.partition.rows.expected", total, AtomicLong::get).tags(tags).strongReference(true)
          .description("Rows the partition had when the step was split").register(registry);
    }
  }
}
