package io.hal9.migrate.tools.scale;

import static io.hal9.migrate.engine.spi.Param.Kind.BOOLEAN;
import static io.hal9.migrate.engine.spi.Param.Kind.INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.MAP;
import static io.hal9.migrate.engine.spi.Param.Kind.POSITIVE_INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code type: scale}: a deployment's {@code replicas}, one container's {@code requests}/{@code limits}, an
 * autoscaler's {@code min-replicas}/{@code max-replicas}, HAL9's {@code standard} numbers, or an {@code emergency}
 * doubling up to {@code ceiling}. The values it replaces are recorded in the checkpoint before anything changes,
 * so {@code rollback} puts them back.
 */
public final class ScaleStepType implements StepType {
  /** The keys that say what to change; a step needs at least one. */
  private static final List<String> CHANGES = List.of("replicas", "min-replicas", "max-replicas", "requests", "limits",
      "standard", "emergency");

  @Override
  public String name() {
    return "scale";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.optional("deployment", STRING, null),
        Param.optional("namespace", STRING, null),
        Param.optional("hpa", STRING, null),
        Param.optional("replicas", INTEGER, null),
        Param.optional("min-replicas", POSITIVE_INTEGER, null),
        Param.optional("max-replicas", POSITIVE_INTEGER, null),
        Param.optional("container", STRING, null),
        Param.optional("requests", MAP, null),
        Param.optional("limits", MAP, null),
        Param.optional("standard", BOOLEAN, false),
        Param.optional("emergency", BOOLEAN, false),
        Param.optional("ceiling", POSITIVE_INTEGER, ScaleRequest.DEFAULT_CEILING),
        // Where the cluster's credentials live and how long to wait differ between machines, not what the step does.
        Param.tuning("kubeconfig", STRING, null),
        Param.tuning("timeout-seconds", POSITIVE_INTEGER, 300));
  }

  @Override
  public void validate(StepDefinition step, Problems problems) {
    if (!step.has("deployment") && !step.has("hpa")) {
      problems.report(step, "deployment", "give 'deployment', 'hpa' or both");
      return;
    }
    if (CHANGES.stream().noneMatch(key -> key.equals("standard") || key.equals("emergency") ? step.bool(key) : step.has(key))) {
      problems.report(step, "replicas", "nothing to change: give replicas, min-replicas/max-replicas, requests, limits, "
          + "standard: true or emergency: true");
      return;
    }
    for (String key : List.of("replicas", "requests", "limits", "container", "emergency", "standard")) {
      if (step.has(key) && !step.has("deployment") && !(key.equals("standard") && step.has("hpa"))) {
        problems.report(step, key, "'" + key + "' needs 'deployment'");
      }
    }
    if (step.bool("emergency")) {
      for (String key : List.of("replicas", "min-replicas", "max-replicas", "requests", "limits", "standard")) {
        if (step.has(key)) {
          problems.report(step, key, "an emergency doubles the current replicas: drop '" + key + "' or 'emergency'");
        }
      }
    } else if (step.has("ceiling")) {
      problems.report(step, "ceiling", "'ceiling' caps an emergency only (add emergency: true)");
    }
    if (step.has("replicas") && step.longValue("replicas") < 0) {
      problems.report(step, "replicas", "expected 0 or more replicas, got " + step.longValue("replicas"));
    }
    if (step.has("min-replicas") && step.has("max-replicas") && step.longValue("min-replicas") > step.longValue("max-replicas")) {
      problems.report(step, "min-replicas", "min-replicas " + step.longValue("min-replicas") + " is above max-replicas "
          + step.longValue("max-replicas"));
    }
    boolean quantitiesOk = quantities(step, "requests", problems) & quantities(step, "limits", problems);
    if (quantitiesOk && step.has("deployment")) {
      ScaleRequest request = request(step);
      ResourceQuantities.requestsAboveLimits(request.requests(), request.limits())
          .forEach(problem -> problems.report(step, step.has("requests") ? "requests" : "limits", problem));
    }
  }

  @Override
  public Step create(StepDefinition step) {
    String kubeconfig = step.string("kubeconfig");
    if (kubeconfig != null) {
      kubeconfig = step.planDirectory().resolve(kubeconfig).toString();
    }
    return new ScaleStep(request(step), kubeconfig, java.time.Duration.ofSeconds(step.longValue("timeout-seconds")));
  }

  /** The step as a request; {@code standard: true} fills what the step does not give itself. */
  static ScaleRequest request(StepDefinition step) {
    boolean standard = step.bool("standard");
    boolean onDeployment = step.has("deployment");
    Integer replicas = integer(step, "replicas");
    Integer min = integer(step, "min-replicas");
    Integer max = integer(step, "max-replicas");
    Map<String, String> requests = new LinkedHashMap<>();
    Map<String, String> limits = new LinkedHashMap<>();
    if (standard && onDeployment) {
      replicas = replicas == null ? Hal9Standard.REPLICAS : replicas;
      requests.putAll(Hal9Standard.REQUESTS);
      limits.putAll(Hal9Standard.LIMITS);
    }
    if (standard && step.has("hpa")) {
      min = min == null ? Hal9Standard.HPA_MIN : min;
      max = max == null ? Hal9Standard.HPA_MAX : max;
    }
    requests.putAll(resources(step, "requests"));
    limits.putAll(resources(step, "limits"));
    return new ScaleRequest(step.string("namespace"), step.string("deployment"), step.string("hpa"), replicas, min, max,
        step.string("container"), requests, limits, step.bool("emergency"),
        step.bool("emergency") ? step.intValue("ceiling") : 0);
  }

  private static boolean quantities(StepDefinition step, String key, Problems problems) {
    JsonNode map = step.value(key);
    if (map == null) {
      return true;
    }
    boolean ok = true;
    for (var entries = map.fields(); entries.hasNext(); ) {
      var entry = entries.next();
      JsonNode value = entry.getValue();
      if (!ResourceQuantities.RESOURCES.contains(entry.getKey())) {
        problems.report(step, key, "unknown resource '" + entry.getKey() + "' (known: cpu, memory)");
        ok = false;
      } else if (!(value.isTextual() || value.isNumber()) || !ResourceQuantities.positive(value.asText())) {
        problems.report(step, key, entry.getKey() + ": " + ResourceQuantities.EXPECTED + ", got " + value);
        ok = false;
      }
    }
    return ok;
  }

  private static Map<String, String> resources(StepDefinition step, String key) {
    Map<String, String> values = new LinkedHashMap<>();
    JsonNode map = step.value(key);
    if (map != null) {
      map.fields().forEachRemaining(entry -> values.put(entry.getKey(), entry.getValue().asText()));
    }
    return values;
  }

  private static Integer integer(StepDefinition step, String key) {
    return step.has(key) ? step.intValue(key) : null;
  }
}
