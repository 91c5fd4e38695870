package io.hal9.migrate.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;

/** The meters a run leaves in the registry it was given: what it did, read back against the checkpoint tables. */
class MetricsTest {
  @TempDir Path dir;

  /**
   * A partitioned step's rows count once, partition by partition, and each partition has its rows under a partition
   * label; status lists the partitions as hal9_partitions has them.
   */
  @OnBothDatabases
  void aPartitionedStepCountsItsRowsByPartition(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir).withReferenceSchema().seed("2", "seed", 3_000, 500)
        .file("V3__state.yaml", "steps:\n  - id: state-v2\n    type: neuron-state\n    from-version: 1\n    to-version: 2\n"
            + "    batch-size: 400\n    partitions: 3\n    ops:\n      - multiply: {field: bias, by: 0.5}\n")
        .path();
    MeterRegistry registry = new SimpleMeterRegistry();
    Status status;
    try (Hal9Migrate hal9 = Hal9Migrate.configure().url(db.url(), null, null).plans(plans).metrics(registry).load()) {
      hal9.migrate();
      status = hal9.status();
    }

    Tags state = Tags.of("version", "3", "step", "state-v2", "type", "neuron-state");
    assertThat(registry.get("hal9.migrate.rows").tags(state).counter().count()).isEqualTo(3_000);
    assertThat(registry.get("hal9.migrate.step.rows.done").tags(state).gauge().value()).isEqualTo(3_000);
    for (int partition = 1; partition <= 3; partition++) {
      Tags tags = state.and("partition", Integer.toString(partition));
      assertThat(registry.get("hal9.migrate.partition.rows.done").tags(tags).gauge().value()).isEqualTo(1_000);
      assertThat(registry.get("hal9.migrate.partition.rows.expected").tags(tags).gauge().value()).isEqualTo(1_000);
    }
    Status.StepStatus step = status.versions().get(2).steps().get(0);
    assertThat(step.partitions()).extracting(Status.PartitionStatus::number, Status.PartitionStatus::state,
        Status.PartitionStatus::rows, Status.PartitionStatus::leaseExpired).containsExactly(
            org.assertj.core.api.Assertions.tuple(1, "done", 1_000L, false),
            org.assertj.core.api.Assertions.tuple(2, "done", 1_000L, false),
            org.assertj.core.api.Assertions.tuple(3, "done", 1_000L, false));
    assertThat(step.partitions()).allSatisfy(p -> assertThat(p.owner()).endsWith(" pid " + ProcessHandle.current().pid()));
    assertThat(step.counters()).contains("\"migrated\":3000");
    assertThat(db.queryLong("SELECT COUNT(*) FROM hal9_events WHERE event_type = 'partition_done'")).isEqualTo(3);
  }

  @OnBothDatabases
  void aRunsMetersHoldItsRowsBatchesStatesAndHal9sSeries(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir).withReferenceSchema().seed("2", "seed", 3_000, 500)
        .file("V3__state.yaml", "steps:\n  - id: state-v2\n    type: neuron-state\n    from-version: 1\n    to-version: 2\n"
            + "    batch-size: 1000\n    ops:\n      - multiply: {field: bias, by: 0.5}\n")
        .file("V4__embed.yaml", "steps:\n  - id: embed\n    type: embedding\n    model: ngram-hash\n")
        .path();
    MeterRegistry registry = new SimpleMeterRegistry();
    AtomicReference<Double> poolSize = new AtomicReference<>();
    double[] cacheGets = new double[2];
    Tags cache = Tags.of("cache", "embedding", "step", "embed");
    ProgressListener whileOpen = new ProgressListener() {
      @Override
      public void stepFinished(StepInfo step, Ending ending, long rowsDone, java.time.Duration elapsed) {
        poolSize.set(registry.get("hikaricp.connections.max").tag("pool", "hal9-migrate").gauge().value());
        // Caffeine's meters hold the cache weakly: they count while the step that owns it lives.
        if (step.id().equals("embed")) {
          cacheGets[0] = registry.get("cache.gets").tags(cache).tag("result", "hit").functionCounter().count();
          cacheGets[1] = registry.get("cache.gets").tags(cache).tag("result", "miss").functionCounter().count();
        }
      }
    };
    try (Hal9Migrate hal9 = Hal9Migrate.configure().url(db.url(), null, null).plans(plans).progress(whileOpen)
        .metrics(registry).load()) {
      hal9.migrate();
    }

    Tags seed = Tags.of("version", "2", "step", "seed", "type", "neuron-seed");
    Tags state = Tags.of("version", "3", "step", "state-v2", "type", "neuron-state");
    assertThat(registry.get("hal9.migrate.rows").tags(seed).counter().count()).isEqualTo(3_000);
    assertThat(registry.get("hal9.migrate.rows").tags(state).counter().count())
        .isEqualTo(db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = 'state-v2'")).isEqualTo(3_000);
    // A transaction per batch (six of 500 rows, three of 1,000), and the one that marks the step done.
    assertThat(registry.get("hal9.migrate.batch.commit").tags(seed).timer().count()).isEqualTo(7);
    assertThat(registry.get("hal9.migrate.batch.commit").tags(state).timer().count()).isEqualTo(4);
    assertThat(registry.get("hal9.migrate.step.state").tags(state).tag("state", "done").gauge().value()).isEqualTo(1);
    assertThat(registry.get("hal9.migrate.step.state").tags(state).tag("state", "running").gauge().value()).isZero();
    assertThat(registry.get("hal9.migrate.step.rows.expected").tags(state).gauge().value()).isEqualTo(3_000);
    assertThat(registry.get("hal9.migrate.checkpoint.age").gauge().value()).isZero(); // nothing runs now

    assertThat(registry.get("hal9.migration.neurons.migrated").gauge().value()).isEqualTo(3_000);
    assertThat(registry.get("hal9.migration.neurons").functionCounter().count()).isEqualTo(3_000);
    assertThat(registry.get("hal9.migration.progress.percent").gauge().value()).isEqualTo(100);
    assertThat(registry.get("hal9.migration.health.status").gauge().value()).isEqualTo(1);
    // The embedding cache's own meters (Caffeine's binder): every label looked up once, the seed's repeats hit.
    double hits = cacheGets[0];
    double misses = cacheGets[1];
    assertThat(hits + misses).isEqualTo(3_000);
    assertThat(hits).isPositive();
    assertThat(misses).isPositive();
    // Four steps started and finished, one event each, as hal9_events has them.
    for (String type : new String[] {"step_started", "step_finished"}) {
      assertThat(registry.get("hal9.migration.events").tags("event_type", type, "phase", "none", "severity", "info").counter()
          .count()).isEqualTo(4).isEqualTo(db.queryLong("SELECT COUNT(*) FROM hal9_events WHERE event_type = '" + type + "'"));
    }
    assertThat(registry.get("hal9.migrate.lock.epoch").gauge().value()).isEqualTo(1);
    assertThat(registry.get("hal9.migrate.step.eta").tags(state).gauge().value()).isZero(); // done
    assertThat(registry.get("hal9.migrate.paused").gauge().value()).isZero();
    // The engine's own pool reports through HikariCP's metrics tracker while it is open.
    assertThat(poolSize.get()).isEqualTo(6);
  }

  @OnBothDatabases
  void aResumedStepCountsOnlyTheRowsThisProcessCommitted(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir).withReferenceSchema().seed("2", "seed", 4_000, 1_000).path();
    AtomicReference<Hal9Migrate> first = new AtomicReference<>();
    ProgressListener stopAfterOneBatch = new ProgressListener() {
      @Override
      public void batchCommitted(StepInfo step, long rowsDone, long total) {
        if (step.id().equals("seed")) {
          first.get().stop();
        }
      }
    };
    try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(db.dataSource()).plans(plans).progress(stopAfterOneBatch).load()) {
      first.set(hal9);
      assertThatThrownBy(hal9::migrate).isInstanceOf(Hal9MigrateException.class);
    }
    assertThat(db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = 'seed'")).isEqualTo(1_000);

    MeterRegistry registry = new SimpleMeterRegistry();
    try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(db.dataSource()).plans(plans).metrics(registry).load()) {
      hal9.migrate();
    }
    Tags seed = Tags.of("version", "2", "step", "seed", "type", "neuron-seed");
    assertThat(registry.get("hal9.migrate.rows").tags(seed).counter().count()).isEqualTo(3_000);
    assertThat(registry.get("hal9.migrate.step.rows.done").tags(seed).gauge().value()).isEqualTo(4_000);
    assertThat(registry.get("hal9.migration.progress.percent").gauge().value()).isEqualTo(100);
  }
}
