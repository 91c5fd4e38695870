package io.hal9.migrate.tools.rollout;

import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.PrometheusQuery;
import io.hal9.migrate.tools.health.CheckResult;
import io.hal9.migrate.tools.health.CheckStatus;
import io.hal9.migrate.tools.health.HealthCheck;
import io.hal9.migrate.tools.health.HealthTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * What a gate or a trigger watches: the largest value of a PromQL expression held to a bound, or health checks
 * passing. A gate must stay within its bound for {@code holdFor}; a trigger fires once outside it that long.
 *
 * @param query the PromQL expression, or null for health checks
 * @param health the health checks, or null for a query
 * @param max the highest value within, or null
 * @param min the lowest value within, or null
 */
record Signal(String name, String query, List<HealthCheck> health, Double max, Double min, Duration holdFor) {

  /** One look at the signal; {@code value} is null for health checks and for a query without data. */
  record Reading(String name, Double value, boolean within, boolean noData, String text) {}

  Reading read(PrometheusQuery prometheus, HealthTarget target) {
    if (health != null) {
      List<CheckResult> failed = health.stream().map(c -> c.run(target)).filter(r -> r.status() == CheckStatus.FAILED).toList();
      return new Reading(name, null, failed.isEmpty(), false, failed.isEmpty() ? name + " passed"
          : name + " failed: " + failed.stream().map(r -> r.name() + " " + r.message()).collect(Collectors.joining("; ")));
    }
    OptionalDouble answer = prometheus.max(query);
    if (answer.isEmpty()) {
      return new Reading(name, null, false, true, name + " has no data");
    }
    double v = answer.getAsDouble();
    List<String> held = new ArrayList<>();
    String beyond = null;
    if (max != null) {
      if (v <= max) {
        held.add("<= " + Param.text(max));
      } else {
        beyond = "> " + Param.text(max);
      }
    }
    if (min != null) {
      if (v >= min) {
        held.add(">= " + Param.text(min));
      } else {
        beyond = "< " + Param.text(min);
      }
    }
    return new Reading(name, v, beyond == null, false, name + " " + Param.text(v) + " " + (beyond != null ? beyond : String.join(" and ", held)));
  }

  /** "above 0.01 for 1s": when a trigger fires. */
  String breach() {
    List<String> parts = new ArrayList<>();
    if (max != null) {
      parts.add("above " + Param.text(max));
    }
    if (min != null) {
      parts.add("below " + Param.text(min));
    }
    return String.join(" or ", parts) + (holdFor.isZero() ? " at once" : " for " + Param.text(holdFor));
  }

  /** "<= 0.001 for 2m": the bound and its duration, as a plan writes them. */
  String bound() {
    List<String> parts = new ArrayList<>();
    if (max != null) {
      parts.add("<= " + Param.text(max));
    }
    if (min != null) {
      parts.add(">= " + Param.text(min));
    }
    if (health != null) {
      parts.add("passing");
    }
    return String.join(" and ", parts) + (holdFor.isZero() ? "" : " for " + Param.text(holdFor));
  }
}
