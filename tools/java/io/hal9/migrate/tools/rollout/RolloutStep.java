package io.hal9.migrate.tools.rollout;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.PrometheusQuery;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepPreview;
import io.hal9.migrate.tools.ToolCode;
import io.hal9.migrate.tools.health.HealthTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One phase of HAL9's rollout: records the routing it replaces, sets the phase's traffic and flags (table and
 * cluster), then bakes, looking at its gates and triggers every interval and checkpointing the bake each second.
 * It is done once baked with every gate held for its duration; a trigger, gates that do not hold, or an abort put
 * the previous routing back and stop the run (exit 5). Rollback puts the previous routing back too.
 */
final class RolloutStep implements Step {
  private static final Logger log = LoggerFactory.getLogger(RolloutStep.class);
  /** The cursor once the phase's routing is committed: a resumed step never applies it twice. */
  static final String APPLIED = "applied";
  private static final String WENT_BACK = "went-back";
  private static final long TICK_MILLIS = 1000;
  /** The most one tick counts towards the bake: a paused, stopped or frozen runner does not bake. */
  private static final long MAX_TICK_MILLIS = 15_000;

  private final Phase phase;
  private final int hierarchicalPercent;
  private final boolean mirrored;
  private final Map<String, Integer> flags;
  private final Duration bake;
  private final Duration interval;
  private final Duration gateTimeout;
  private final List<Signal> gates;
  private final List<Signal> triggers;
  private final int maxFailedHealthChecks;
  /** Where HAL9 reads the routing in the cluster, or null: the table alone holds it. */
  private final ClusterTarget cluster;

  RolloutStep(Phase phase, int hierarchicalPercent, boolean mirrored, Map<String, Integer> flags, Duration bake, Duration interval,
      Duration gateTimeout, List<Signal> gates, List<Signal> triggers, int maxFailedHealthChecks, ClusterTarget cluster) {
    this.phase = phase;
    this.hierarchicalPercent = hierarchicalPercent;
    this.mirrored = mirrored;
    this.flags = Map.copyOf(flags);
    this.bake = bake;
    this.interval = interval;
    this.gateTimeout = gateTimeout;
    this.gates = List.copyOf(gates);
    this.triggers = List.copyOf(triggers);
    this.maxFailedHealthChecks = maxFailedHealthChecks;
    this.cluster = cluster;
  }

  /** The phase's routing over {@code before}: its traffic, its flags set, the others as they were. */
  Routing target(Routing before) {
    Routing target = new Routing(phase.label(), hierarchicalPercent, mirrored, before.flags());
    for (Map.Entry<String, Integer> flag : new TreeMap<>(flags).entrySet()) {
      target = target.withFlag(flag.getKey(), flag.getValue());
    }
    return target;
  }

  @Override
  public void run(StepContext context) throws Exception {
    PrometheusQuery prometheus = prometheus(context);
    Routing before = context.undoRecord(Routing.class);
    if (before == null) {
      before = context.routing();
      context.recordUndo(before);
    }
    Bake state;
    if (APPLIED.equals(context.cursor())) {
      state = context.counters(Bake.class);
      log.info("{}: resumes its bake at {} of {}", phase.label(), Param.text(Duration.ofSeconds(state.bakedMillis() / 1000)),
          Param.text(bake));
    } else {
      Routing target = target(before);
      publish(context, target, before);
      state = Bake.fresh(context.rows());
      context.route(target, phase.label() + " begins", false, new Batch(APPLIED, 0, state));
      log.info("{}: {}; baking {}", phase.label(), target, Param.text(bake));
    }
    context.expect(state.rowsBefore() + bake.toSeconds());
    try (HealthTarget health = HealthTarget.of(context.dataSource())) {
      bakeUntilDone(context, before, state, prometheus, health);
    }
  }

  private void bakeUntilDone(StepContext context, Routing before, Bake state, PrometheusQuery prometheus, HealthTarget health)
      throws InterruptedException {
    long lastTick = System.nanoTime();
    Long lastLook = null; // a first look (this process's) counts no time towards a gate's or trigger's duration
    while (true) {
      String abort = context.abortRequestedBy();
      if (abort != null) {
        goBack(context, before, state, "rollout abort by " + abort);
      }
      long now = System.nanoTime();
      long elapsed = Math.min(MAX_TICK_MILLIS, (now - lastTick) / 1_000_000);
      lastTick = now;
      state = state.baked(elapsed);
      if (lastLook == null || now - lastLook >= interval.toNanos()) {
        long sinceLook = lastLook == null ? 0 : Math.min(MAX_TICK_MILLIS + interval.toMillis(), (now - lastLook) / 1_000_000);
        lastLook = now;
        state = look(context, before, state, prometheus, health, sinceLook);
      }
      long bakedSeconds = state.bakedMillis() / 1000;
      long rows = state.rowsBefore() + Math.min(bakedSeconds, bake.toSeconds());
      Batch batch = new Batch(APPLIED, Math.max(0, rows - context.rows()), state);
      if (state.bakedMillis() >= bake.toMillis() && held(state)) {
        context.complete(tx -> batch);
        log.info("{}: baked {} with {}", phase.label(), Param.text(bake), gates.isEmpty() ? "no gates" : "every gate held");
        return;
      }
      if (state.bakedMillis() >= bake.plus(gateTimeout).toMillis()) {
        goBack(context, before, state, "gates not held " + Param.text(gateTimeout) + " after the bake: " + unheld(state));
      }
      context.commit(tx -> batch);
      Thread.sleep(TICK_MILLIS);
    }
  }

  /** Reads every signal: a trigger beyond its bound long enough goes back; a gate's held time grows or restarts. */
  private Bake look(StepContext context, Routing before, Bake state, PrometheusQuery prometheus, HealthTarget health, long elapsed) {
    Map<String, Long> held = new TreeMap<>(state.heldMillis());
    Map<String, Long> beyond = new TreeMap<>(state.beyondMillis());
    Map<String, String> last = new TreeMap<>(state.last());
    int failedHealth = state.failedHealthChecks();
    boolean healthLooked = false;
    boolean healthFailed = false;
    for (Signal trigger : triggers) {
      Signal.Reading reading = read(context, trigger, false, prometheus, health, last);
      if (reading.within() || reading.noData()) {
        beyond.put(trigger.name(), 0L);
        continue;
      }
      long time = beyond.merge(trigger.name(), elapsed, Long::sum);
      if (time >= trigger.holdFor().toMillis()) {
        goBack(context, before, state.looked(held, beyond, failedHealth, last), "trigger " + reading.text()
            + (trigger.holdFor().isZero() ? "" : " for " + Param.text(trigger.holdFor())));
      }
    }
    for (Signal gate : gates) {
      Signal.Reading reading = read(context, gate, true, prometheus, health, last);
      held.put(gate.name(), reading.within() ? held.getOrDefault(gate.name(), 0L) + Math.max(1, elapsed) : 0L);
      if (gate.health() != null) {
        healthLooked = true;
        healthFailed |= !reading.within();
      }
    }
    if (healthLooked) {
      failedHealth = healthFailed ? failedHealth + 1 : 0;
      if (failedHealth >= maxFailedHealthChecks) {
        goBack(context, before, state.looked(held, beyond, failedHealth, last), "trigger " + failedHealth
            + " failed health checks in a row: " + gates.stream().filter(g -> g.health() != null).map(g -> last.get(key(g, true)))
            .collect(Collectors.joining("; ")));
      }
    }
    return state.looked(held, beyond, failedHealth, last);
  }

  /** One reading, kept as the signal's last; a query Prometheus cannot answer reads as no data (a gate fails closed). */
  private Signal.Reading read(StepContext context, Signal signal, boolean gate, PrometheusQuery prometheus, HealthTarget health,
      Map<String, String> last) {
    Signal.Reading reading;
    try {
      reading = signal.read(prometheus, health);
    } catch (IllegalStateException unanswered) {
      reading = new Signal.Reading(signal.name(), null, false, true, signal.name() + " unanswered: " + unanswered.getMessage());
    }
    String before = last.put(key(signal, gate), reading.text());
    if (reading.noData() && !reading.text().equals(before)) {
      context.warn(reading.text() + (gate ? ": the gate is not held until it has" : ": the trigger cannot fire until it has"));
    }
    return reading;
  }

  /** Every gate's last reading within, for its duration in a row. */
  /** A signal's key in the bake's last readings: a gate and a trigger may share a name. */
  private static String key(Signal signal, boolean gate) {
    return (gate ? "gate " : "trigger ") + signal.name();
  }

  private boolean held(Bake state) {
    return gates.stream().allMatch(g -> isHeld(state, g));
  }

  private static boolean isHeld(Bake state, Signal gate) {
    long held = state.heldMillis().getOrDefault(gate.name(), 0L);
    return held > 0 && held >= gate.holdFor().toMillis();
  }

  private String unheld(Bake state) {
    return gates.stream().filter(g -> !isHeld(state, g))
        .map(g -> state.last().getOrDefault(key(g, true), g.name() + " never read") + " (needs " + g.bound() + ")")
        .collect(Collectors.joining("; "));
  }

  /**
   * Puts {@code before} back, the table first (the source of truth says so even if the cluster then refuses), then
   * the cluster, and stops the run naming why.
   */
  private void goBack(StepContext context, Routing before, Bake state, String reason) {
    context.route(before, phase.label() + ": " + reason, true, new Batch(WENT_BACK, 0, state));
    log.error("{}: {}: traffic and flags back to {}", phase.label(), reason, before);
    publish(context, before);
    throw new Hal9MigrateException(ToolCode.ROLLED_BACK, phase.label() + ": " + reason + "; traffic and flags back to " + before);
  }

  /** Publishes {@code target} before the table says so, or {@code before} again when the cluster refuses it. */
  private void publish(StepContext context, Routing target, Routing before) {
    withPublisher(context, publisher -> publisher.publish(target, before));
  }

  /** Makes the cluster hold {@code routing}. */
  private void publish(StepContext context, Routing routing) {
    withPublisher(context, publisher -> publisher.publish(routing));
  }

  /** Runs {@code publish} on the step's cluster, each retry said in the log and in hal9_events; nothing without one. */
  private void withPublisher(StepContext context, Consumer<ClusterPublisher> publish) {
    if (cluster == null) {
      return;
    }
    try (ClusterPublisher publisher = ClusterPublisher.open(cluster, System.getenv(), retry -> {
      log.warn("{}: {}", phase.label(), retry);
      context.warn(retry);
    })) {
      publish.accept(publisher);
    }
  }

  private PrometheusQuery prometheus(StepContext context) {
    boolean queries = gates.stream().anyMatch(g -> g.query() != null) || triggers.stream().anyMatch(t -> t.query() != null);
    return context.prometheus().orElseGet(() -> {
      if (queries) {
        throw new Hal9MigrateException(ErrorCode.USAGE, phase.label() + ": its gates and triggers query Prometheus,"
            + " and the run has none (run --prometheus URL); nothing was changed");
      }
      return null;
    });
  }

  /** The phase's changes against the routing now, then each gate and trigger read once. */
  @Override
  public List<String> preview(StepPreview preview) throws Exception {
    Routing now = preview.routing();
    Routing target = target(now);
    List<String> lines = new ArrayList<>();
    lines.add("routing: " + now + " -> " + target + (cluster == null ? " (the table only)" : " (table and "
        + cluster.describeConfigMap() + ", " + cluster.traffic().describe(cluster.namespace()) + ")"));
    lines.add("bake " + Param.text(bake) + ", looking every " + Param.text(interval));
    PrometheusQuery prometheus = preview.prometheus().orElse(null);
    try (HealthTarget health = HealthTarget.of(preview.dataSource())) {
      for (Signal gate : gates) {
        lines.add("gate " + once(gate, prometheus, health, "would hold", "would not hold") + " (needs " + gate.bound() + ")");
      }
      for (Signal trigger : triggers) {
        lines.add("trigger " + once(trigger, prometheus, health, "quiet", "would fire") + " (fires " + trigger.breach() + ")");
      }
    }
    return lines;
  }

  private static String once(Signal signal, PrometheusQuery prometheus, HealthTarget health, String within, String beyond) {
    if (signal.query() != null && prometheus == null) {
      return signal.name() + " not evaluated (no --prometheus)";
    }
    try {
      Signal.Reading reading = signal.read(prometheus, health);
      return reading.text() + (reading.noData() ? "" : reading.within() ? ": " + within : ": " + beyond);
    } catch (IllegalStateException unanswered) {
      return signal.name() + " unanswered: " + unanswered.getMessage();
    }
  }

  @Override
  public boolean undoable() {
    return true;
  }

  /** Puts back the routing the phase replaced; a phase that never recorded it changed nothing. */
  @Override
  public void undo(StepContext context) {
    Routing before = context.undoRecord(Routing.class);
    if (before == null) {
      return;
    }
    publish(context, before);
    context.route(before, phase.label() + " rolled back", true, Batch.of(null, 0));
  }
}
