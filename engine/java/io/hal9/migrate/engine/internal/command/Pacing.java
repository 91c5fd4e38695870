package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.CheckpointStore;
import io.hal9.migrate.checkpoints.FencedWriter;
import io.hal9.migrate.checkpoints.Event;
import io.hal9.migrate.checkpoints.EventType;
import io.hal9.migrate.checkpoints.Sleep;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.ProgressListener;
import io.hal9.migrate.engine.api.ProgressListener.StepInfo;
import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.spi.PrometheusQuery;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a step waits for before each batch: a pause (from any machine, through the lock row), and its throttles
 * ({@code max-rows-per-second}; the database or Prometheus under stress). While it waits it keeps its lock (the
 * lease's heartbeat goes on), says why (progress line, {@code status}, an event, metrics) and still stops on a signal.
 */
final class Pacing {
  private static final Logger log = LoggerFactory.getLogger(Pacing.class);
  /** How often a runner looks for a pause, and a paused one for its resume: one short query, twice a second at most. */
  private static final long PAUSE_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long LAG_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long QUERY_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** The longest single wait: a stop or a resume is noticed within it. */
  private static final long MAX_SLEEP_MILLIS = 250;
  /** Commits the p99 is taken over: recent enough that the throttle lets go soon after the database recovers. */
  private static final int COMMIT_WINDOW = 20;
  private static final Duration MAX_COMMIT_HOLD = Duration.ofSeconds(60);

  private final StepInfo step;
  private final CheckpointStore store;
  private final FencedWriter writer;
  private final Database database;
  private final DSLContext reads;
  private final ProgressListener progress;
  private final BooleanSupplier stopRequested;

  private final Long maxRowsPerSecond;
  private final Duration maxLag;
  private final Long maxCommitMillis;
  private final String query;
  private final Double queryAbove;
  private final PrometheusQuery prometheus;

  private long pauseCheckedAt;
  private Optional<CheckpointStore.Pause> pause = Optional.empty();
  private long nextBatchAllowedAt;
  private long lagCheckedAt;
  private Optional<Duration> lag = Optional.empty();
  private long queryCheckedAt;
  private Hold queryHold;
  private final Deque<Long> commitMillis = new ArrayDeque<>();
  private long commitHoldUntil;
  private String commitHoldReason;
  /** The kind of hold last reported, until a batch goes without one. */
  private String heldKind;

  Pacing(StepDefinition definition, StepInfo step, Engine engine, FencedWriter writer, BooleanSupplier stopRequested) {
    this.step = step;
    this.store = engine.store();
    this.writer = writer;
    this.database = engine.database();
    this.reads = engine.reads();
    this.progress = engine.settings().progress();
    this.stopRequested = stopRequested;
    this.maxRowsPerSecond = has(definition, "max-rows-per-second") ? definition.longValue("max-rows-per-second") : null;
    this.maxLag = has(definition, "max-replication-lag") ? Param.duration(definition.string("max-replication-lag")) : null;
    this.maxCommitMillis = has(definition, "max-commit-ms") ? definition.longValue("max-commit-ms") : null;
    this.query = has(definition, "throttle-query") ? definition.string("throttle-query") : null;
    this.queryAbove = has(definition, "throttle-above") ? definition.value("throttle-above").asDouble() : null;
    if (query != null && engine.settings().prometheus() == null) {
      throw new Hal9MigrateException(ErrorCode.USAGE, definition.where() + " key 'throttle-query': needs a Prometheus"
          + " server to ask (--prometheus URL)");
    }
    this.prometheus = query == null ? null : new PrometheusQuery(engine.settings().prometheus());
  }

  private static boolean has(StepDefinition definition, String key) {
    return definition.has(key) && !definition.value(key).isNull();
  }

  /**
   * Waits while the runs are paused or a throttle holds the step back.
   *
   * @throws StopRequested when a stop is asked for meanwhile
   */
  void beforeBatch() {
    boolean waited = false;
    while (true) {
      Hold hold = hold(System.nanoTime());
      if (hold == null) {
        // A step held back before every batch (a rate limit) stays reported as held: one event, not one a batch.
        if (!waited) {
          release();
        }
        return;
      }
      waited = true;
      if (!hold.kind().equals(heldKind)) {
        report(hold);
      }
      if (writer.leaseLost()) {
        return; // the write that follows fails, fenced, and says so
      }
      if (stopRequested.getAsBoolean()) {
        release();
        throw new StopRequested();
      }
      Sleep.millis(Math.max(1, Math.min(MAX_SLEEP_MILLIS, hold.waitNanos() / 1_000_000)));
    }
  }

  /** A batch of {@code rows} committed in {@code took}. */
  void afterBatch(long rows, Duration took) {
    long now = System.nanoTime();
    if (maxRowsPerSecond != null && rows > 0) {
      nextBatchAllowedAt = Math.max(now, nextBatchAllowedAt) + rows * 1_000_000_000L / maxRowsPerSecond;
    }
    if (maxCommitMillis != null) {
      commitMillis.addLast(took.toMillis());
      if (commitMillis.size() > COMMIT_WINDOW) {
        commitMillis.removeFirst();
      }
      long p99 = commitMillis.stream().sorted().skip((long) Math.ceil(commitMillis.size() * 0.99) - 1).findFirst().orElse(0L);
      if (p99 > maxCommitMillis) {
        // Waiting alone does not change the p99: wait about one slow commit, then let a batch measure again.
        long hold = Math.min(Math.max(p99, 1000), MAX_COMMIT_HOLD.toMillis());
        commitHoldUntil = now + TimeUnit.MILLISECONDS.toNanos(hold);
        commitHoldReason = "batch commit p99 " + p99 + " ms > max-commit-ms " + maxCommitMillis;
      }
    }
  }

  private Hold hold(long now) {
    if (now - pauseCheckedAt >= PAUSE_CHECK_NANOS || pauseCheckedAt == 0) {
      pause = store.pausedNow();
      pauseCheckedAt = now;
    }
    if (pause.isPresent()) {
      return new Hold("paused", "paused since " + pause.get().at() + " by " + pause.get().by(), PAUSE_CHECK_NANOS);
    }
    if (maxRowsPerSecond != null && now < nextBatchAllowedAt) {
      return new Hold("max-rows-per-second", "max-rows-per-second " + maxRowsPerSecond, nextBatchAllowedAt - now);
    }
    if (maxLag != null) {
      if (now - lagCheckedAt >= LAG_CHECK_NANOS || lagCheckedAt == 0) {
        lag = database.replicationLag(reads);
        lagCheckedAt = now;
      }
      if (lag.isPresent() && lag.get().compareTo(maxLag) > 0) {
        return new Hold("max-replication-lag", String.format(Locale.ROOT, "replication lag %.1f s > max-replication-lag %s",
            lag.get().toMillis() / 1000.0, Param.text(maxLag)), LAG_CHECK_NANOS);
      }
    }
    if (maxCommitMillis != null && now < commitHoldUntil) {
      return new Hold("max-commit-ms", commitHoldReason, commitHoldUntil - now);
    }
    if (query != null) {
      if (now - queryCheckedAt >= QUERY_CHECK_NANOS || queryCheckedAt == 0) {
        queryHold = askPrometheus();
        queryCheckedAt = now;
      }
      return queryHold;
    }
    return null;
  }

  /** Fails closed: no answer, or none at all, holds the step back as an answer over the limit does. */
  private Hold askPrometheus() {
    try {
      OptionalDouble value = prometheus.max(query);
      if (value.isEmpty()) {
        return new Hold("throttle-query", "throttle-query has no data (held back until it has)", QUERY_CHECK_NANOS);
      }
      if (value.getAsDouble() > queryAbove) {
        return new Hold("throttle-query", String.format(Locale.ROOT, "throttle-query %s > throttle-above %s",
            Param.text(value.getAsDouble()), Param.text(queryAbove)), QUERY_CHECK_NANOS);
      }
      return null;
    } catch (IllegalStateException e) {
      return new Hold("throttle-query", "throttle-query unanswered (held back): " + e.getMessage(), QUERY_CHECK_NANOS);
    }
  }

  /** Says why the step waits: a throttle in its checkpoint row and as an event; a pause was recorded by whoever paused. */
  private void report(Hold hold) {
    heldKind = hold.kind();
    progress.held(step, hold.reason());
    log.info("step {} holds back: {}", step.id(), hold.reason());
    if (!hold.kind().equals("paused")) {
      writer.run(tx -> {
        tx.held(step.id(), hold.reason());
        tx.event(new Event(EventType.THROTTLED, step.version(), step.id(), hold.reason()));
      });
    }
  }

  private void release() {
    if (heldKind == null) {
      return;
    }
    if (!heldKind.equals("paused")) {
      writer.run(tx -> tx.held(step.id(), null));
    }
    heldKind = null;
    progress.held(step, null);
    log.info("step {} goes on", step.id());
  }



  /** Why the step waits ({@code kind} names the limit), and how long before looking again. */
  private record Hold(String kind, String reason, long waitNanos) {}
}
