package io.hal9.migrate.tools.rollout;

import static io.hal9.migrate.engine.spi.Param.Kind.DURATION;
import static io.hal9.migrate.engine.spi.Param.Kind.LIST;
import static io.hal9.migrate.engine.spi.Param.Kind.MAP;
import static io.hal9.migrate.engine.spi.Param.Kind.POSITIVE_INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepType;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code type: rollout}: one of HAL9's phases ({@code phase:} shadow, canary, state-migration, ramp-up, full) with
 * its {@code traffic:} and {@code flags:} (HAL9's by default), {@code gates:} that must hold through the
 * {@code bake:}, and {@code rollback-when:} triggers (HAL9's emergency set by default; {@code []} for none).
 */
public final class RolloutStepType implements StepType {
  private static final String HIERARCHICAL = "hierarchical";
  private static final String MIRRORED = "mirrored";

  @Override
  public String name() {
    return "rollout";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.required("phase", STRING),
        Param.optional("traffic", MAP, null),
        Param.optional("flags", MAP, null),
        Param.optional("gates", LIST, null),
        Param.optional("rollback-when", LIST, null),
        Param.optional("max-failed-health-checks", POSITIVE_INTEGER, 3),
        Param.optional("cluster", MAP, null),
        Param.tuning("kubeconfig", STRING, null),
        // How long to watch differs between a demo and production, not what the phase sets.
        Param.tuning("bake", DURATION, "1h"),
        Param.tuning("interval", DURATION, "30s"),
        Param.tuning("gate-timeout", DURATION, "15m"));
  }

  @Override
  public void validate(StepDefinition step, Problems problems) {
    Phase phase = Phase.of(step.string("phase"));
    if (phase == null) {
      problems.report(step, "phase", "expected one of " + Phase.labels() + ", got '" + step.string("phase") + "'");
    }
    if (step.has("traffic")) {
      traffic(step, problems);
    }
    if (step.has("flags")) {
      flags(step, problems);
    }
    Signals.gates(step.value("gates"), step.planDirectory(), (key, message) -> problems.report(step, key, message));
    Signals.triggers(step.value("rollback-when"), (key, message) -> problems.report(step, key, message));
    if (step.has("cluster")) {
      ClusterTarget.parse(step.value("cluster"), step.planDirectory(), (key, message) -> problems.report(step, "cluster", message));
    }
    try {
      if (Param.duration(step.string("interval")).isZero()) {
        problems.report(step, "interval", "expected a positive duration");
      }
    } catch (IllegalArgumentException reportedWithItsKind) {
      // the plan loader names a value of the wrong kind
    }
  }

  @Override
  public Step create(StepDefinition step) {
    Problems fail = (s, key, message) -> {
      throw new IllegalStateException(message);
    };
    Phase phase = Phase.of(step.string("phase"));
    int[] traffic = step.has("traffic") ? traffic(step, fail) : new int[] {phase.hierarchicalPercent, phase.mirrored ? 1 : 0};
    Signals.Problems signalProblems = (key, message) -> fail.report(step, key, message);
    return new RolloutStep(phase, traffic[0], traffic[1] == 1, step.has("flags") ? flags(step, fail) : phase.defaultFlags(),
        Param.duration(step.string("bake")), Param.duration(step.string("interval")), Param.duration(step.string("gate-timeout")),
        Signals.gates(step.value("gates"), step.planDirectory(), signalProblems),
        step.has("rollback-when") ? Signals.triggers(step.value("rollback-when"), signalProblems) : Signals.hal9Emergency(),
        step.intValue("max-failed-health-checks"), cluster(step, fail));
  }

  /** Where to publish, with the machine's kubeconfig (tuning, out of the checksum); null without {@code cluster:}. */
  private static ClusterTarget cluster(StepDefinition step, Problems problems) {
    if (!step.has("cluster")) {
      return null;
    }
    ClusterTarget target = ClusterTarget.parse(step.value("cluster"), step.planDirectory(),
        (key, message) -> problems.report(step, "cluster", message));
    return new ClusterTarget(target.namespace(), target.configMap(), target.traffic(),
        step.has("kubeconfig") ? step.string("kubeconfig") : target.kubeconfig());
  }

  /** {@code {hierarchical: 0..100, mirrored: true|false}} as {percent, 1 when mirrored}. */
  private static int[] traffic(StepDefinition step, Problems problems) {
    JsonNode traffic = step.value("traffic");
    int[] result = {0, 0};
    for (Iterator<String> keys = traffic.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!key.equals(HIERARCHICAL) && !key.equals(MIRRORED)) {
        problems.report(step, "traffic", "unknown key '" + key + "' (known: hierarchical, mirrored)");
      }
    }
    JsonNode percent = traffic.get(HIERARCHICAL);
    if (percent == null || !percent.canConvertToInt() || !percent.isIntegralNumber() || percent.asInt() < 0 || percent.asInt() > 100) {
      problems.report(step, "traffic", "'hierarchical' expects a percent from 0 to 100, got " + (percent == null ? "nothing" : percent));
    } else {
      result[0] = percent.asInt();
    }
    JsonNode mirrored = traffic.get(MIRRORED);
    if (mirrored != null && !mirrored.isBoolean()) {
      problems.report(step, "traffic", "'mirrored' expects true or false, got " + mirrored);
    } else if (mirrored != null && mirrored.asBoolean()) {
      result[1] = 1;
    }
    return result;
  }

  /** {@code {flag_name: percent, ...}}; 0 turns a flag off. */
  private static Map<String, Integer> flags(StepDefinition step, Problems problems) {
    Map<String, Integer> flags = new TreeMap<>();
    step.value("flags").fields().forEachRemaining(flag -> {
      JsonNode percent = flag.getValue();
      if (!flag.getKey().matches("[a-z][a-z0-9_]{0,99}")) {
        problems.report(step, "flags", "flag '" + flag.getKey() + "': expected a name of lower-case letters, digits and '_'");
      } else if (!percent.isIntegralNumber() || percent.asInt() < 0 || percent.asInt() > 100) {
        problems.report(step, "flags", "flag " + flag.getKey() + ": expected a percent from 0 to 100, got " + percent);
      } else {
        flags.put(flag.getKey(), percent.asInt());
      }
    });
    return flags;
  }
}
