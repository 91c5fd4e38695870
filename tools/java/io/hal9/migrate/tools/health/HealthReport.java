package io.hal9.migrate.tools.health;

import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The results of one health run, in the order the checks were listed. */
public record HealthReport(List<CheckResult> results) {

  /** Runs every check, failing or not, so the report shows the whole picture. */
  public static HealthReport run(List<HealthCheck> checks, HealthTarget target) {
    List<CheckResult> results = new ArrayList<>();
    for (HealthCheck check : checks) {
      try {
        results.add(check.run(target));
      } catch (RuntimeException e) {
        // A check that breaks is a failed check, not a lost report: the others' figures still count.
        results.add(new CheckResult(check.kind(), "", CheckStatus.FAILED, "cannot measure: " + e, Map.of(), Map.of()));
      }
    }
    return new HealthReport(List.copyOf(results));
  }

  public List<CheckResult> failed() {
    return results.stream().filter(result -> result.status() == CheckStatus.FAILED).toList();
  }

  public long count(CheckStatus status) {
    return results.stream().filter(result -> result.status() == status).count();
  }

  /** {@code 5 checks: 3 ok, 1 warning, 1 failed}. */
  public String summary() {
    StringBuilder line = new StringBuilder(results.size() + (results.size() == 1 ? " check" : " checks") + ":");
    String separator = " ";
    for (CheckStatus status : CheckStatus.values()) {
      long count = count(status);
      if (count > 0 || status == CheckStatus.OK || status == CheckStatus.FAILED) {
        line.append(separator).append(count).append(' ').append(status.label());
        separator = ", ";
      }
    }
    return line.toString();
  }

  /** {@code disk /var: used 93.1% > max 90%}, one per failed check. */
  public List<String> failures() {
    return failed().stream().map(result -> result.name() + ": " + result.message()).toList();
  }

  /** HEALTH_FAILED (exit 5) naming the first failed check, its figure and its limit; every failure in the details. */
  public Hal9MigrateException failure() {
    List<String> failures = failures();
    String more = failures.size() > 1 ? " (and " + (failures.size() - 1) + " more failed)" : "";
    return new Hal9MigrateException(ToolCode.HEALTH_FAILED, "health check failed: " + failures.get(0) + more, failures, null);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("healthy", failed().isEmpty());
    map.put("checks", results.stream().map(CheckResult::toMap).toList());
    return map;
  }
}
