package io.hal9.migrate.tools.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.tools.health.HealthCheck;
import io.hal9.migrate.tools.health.HealthChecks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** The {@code gates:} and {@code rollback-when:} lists of a rollout step, and HAL9's emergency triggers. */
final class Signals {
  /** A mistake in an entry: which list, its position (1-based) and what is wrong. */
  interface Problems {
    void report(String key, String message);
  }

  private static final String HIERARCHICAL_ERRORS = "sum(rate(hal9_errors_total{system=\"hierarchical\"}[1m]))"
      + " / sum(rate(hal9_requests_total{system=\"hierarchical\"}[1m]))";
  private static final String QUANTILE = "histogram_quantile(%s, sum by (le) (rate(hal9_request_duration_seconds_bucket"
      + "{system=\"hierarchical\"}[1m])))";
  private static final String CONTAINER_SHARE = "max(%s / on (namespace, pod, container) kube_pod_container_resource_limits"
      + "{container=\"hal9\", resource=\"%s\"})";

  /**
   * HAL9's emergency runbook: error rate above 0.1% for 2 minutes, or above 1% at once; p99 above 50 ms (or p50
   * above 15 ms) for 5 minutes, or above 100 ms at once; memory above 95% of the limit; CPU above 95% for 5 minutes.
   * Rates over 1 minute, so a trigger sees a change within its duration. The fourth, 3 failed health checks in a
   * row, is the step's {@code max-failed-health-checks}.
   */
  static List<Signal> hal9Emergency() {
    return List.of(
        trigger("error-rate", HIERARCHICAL_ERRORS, 0.001, Duration.ofMinutes(2)),
        trigger("error-rate-now", HIERARCHICAL_ERRORS, 0.01, Duration.ZERO),
        trigger("p99", QUANTILE.formatted("0.99"), 0.05, Duration.ofMinutes(5)),
        trigger("p99-now", QUANTILE.formatted("0.99"), 0.1, Duration.ZERO),
        trigger("p50", QUANTILE.formatted("0.5"), 0.015, Duration.ofMinutes(5)),
        trigger("memory", CONTAINER_SHARE.formatted("container_memory_working_set_bytes{container=\"hal9\"}", "memory"), 0.95,
            Duration.ZERO),
        trigger("cpu", CONTAINER_SHARE.formatted("rate(container_cpu_usage_seconds_total{container=\"hal9\"}[5m])", "cpu"), 0.95,
            Duration.ofMinutes(5)));
  }

  private static Signal trigger(String name, String query, double above, Duration holdFor) {
    return new Signal(name, query, null, above, null, holdFor);
  }

  private Signals() {}

  /** {@code gates:}: each {@code {name, query, max and/or min, for}} or {@code {health: {check: ..., ...}}}. */
  static List<Signal> gates(JsonNode list, Path planDirectory, Problems problems) {
    return parse("gates", list, Set.of("name", "query", "max", "min", "for", "health"), "max", "min", planDirectory, problems);
  }

  /** {@code rollback-when:}: each {@code {name, query, above and/or below, for}}; fires once outside that long. */
  static List<Signal> triggers(JsonNode list, Problems problems) {
    return parse("rollback-when", list, Set.of("name", "query", "above", "below", "for"), "above", "below", null, problems);
  }

  private static List<Signal> parse(String key, JsonNode list, Set<String> keys, String maxKey, String minKey, Path base,
      Problems problems) {
    List<Signal> signals = new ArrayList<>();
    if (list == null || list.isNull()) {
      return signals;
    }
    if (!list.isArray()) {
      problems.report(key, "expected a list");
      return signals;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode entry = list.get(i);
      String where = key + " " + (i + 1) + ": ";
      if (!entry.isObject()) {
        problems.report(key, where + "expected a map such as {name: p99, query: '...', " + maxKey + ": 0.1, for: 5m}");
        continue;
      }
      boolean ok = true;
      for (Iterator<String> fields = entry.fieldNames(); fields.hasNext(); ) {
        String field = fields.next();
        if (!keys.contains(field)) {
          problems.report(key, where + "unknown key '" + field + "' (known: " + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
          ok = false;
        }
      }
      Duration holdFor = Duration.ZERO;
      if (entry.has("for")) {
        try {
          holdFor = Param.duration(entry.get("for").asText());
        } catch (IllegalArgumentException e) {
          problems.report(key, where + "'for': " + e.getMessage());
          ok = false;
        }
      }
      if (entry.has("health")) {
        List<HealthCheck> checks = health(entry.get("health"), base, where, key, problems);
        String name = entry.has("name") ? entry.get("name").asText() : "health " + entry.get("health").path("check").asText();
        if (checks != null && ok && unique(names, name, where, key, problems)) {
          signals.add(new Signal(name, null, checks, null, null, holdFor));
        }
        continue;
      }
      String name = text(entry, "name", where, key, problems);
      String query = text(entry, "query", where, key, problems);
      Double max = number(entry, maxKey, where, key, problems);
      Double min = number(entry, minKey, where, key, problems);
      if (max == null && min == null && !entry.has(maxKey) && !entry.has(minKey)) {
        problems.report(key, where + "give '" + maxKey + "' or '" + minKey + "'");
        ok = false;
      }
      if (ok && name != null && query != null && (max != null || min != null) && unique(names, name, where, key, problems)) {
        signals.add(new Signal(name, query, null, max, min, holdFor));
      }
    }
    return signals;
  }

  private static List<HealthCheck> health(JsonNode node, Path base, String where, String key, Problems problems) {
    if (base == null || !node.isObject()) {
      problems.report(key, where + "'health' expects a check such as {check: neurons, max-latency-ms: 10}");
      return null;
    }
    boolean[] bad = {false};
    List<HealthCheck> checks = HealthChecks.parse(JsonNodeFactory.instance.arrayNode().add(node), base, (index, field, message) -> {
      problems.report(key, where + "health: " + message);
      bad[0] = true;
    });
    return bad[0] ? null : checks;
  }

  private static boolean unique(Set<String> names, String name, String where, String key, Problems problems) {
    if (!names.add(name)) {
      problems.report(key, where + "another entry is named '" + name + "'");
      return false;
    }
    return true;
  }

  private static String text(JsonNode entry, String field, String where, String key, Problems problems) {
    JsonNode value = entry.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      problems.report(key, where + "'" + field + "' expects a non-empty string");
      return null;
    }
    return value.asText();
  }

  private static Double number(JsonNode entry, String field, String where, String key, Problems problems) {
    JsonNode value = entry.get(field);
    if (value == null) {
      return null;
    }
    if (!value.isNumber()) {
      problems.report(key, where + "'" + field + "' expects a number, got " + value);
      return null;
    }
    return value.asDouble();
  }
}
