package io.hal9.migrate.tools.precheck;

import io.hal9.migrate.engine.spi.Param;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * One readiness check's outcome: the figure measured (null when there was none to measure), the limit it was held
 * to, where the figure came from and one line saying how they compare. Figures are in the check's unit: a share of
 * the pods' limits for {@code cpu} and {@code memory}, bytes for {@code disk-free}, milliseconds for latencies.
 */
public record Readiness(String name, Status status, Double value, double limit, String source, String message) {

  public enum Status {
    PASSED,
    WARNING,
    FAILED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A figure that must stay below {@code limit} (HAL9's "CPU < 70%"): at the limit it fails. */
  static Readiness below(String name, double value, double limit, String source, DoubleFunction<String> format) {
    boolean within = value < limit;
    String comparison = within ? " < " : value == limit ? " >= " : " > ";
    return new Readiness(name, within ? Status.PASSED : Status.FAILED, value, limit, source,
        format.apply(value) + comparison + format.apply(limit));
  }

  /** A figure that must be at least {@code limit} (HAL9's "disk > 100 GB free"). */
  static Readiness atLeast(String name, double value, double limit, String source, DoubleFunction<String> format) {
    boolean within = value >= limit;
    return new Readiness(name, within ? Status.PASSED : Status.FAILED, value, limit, source,
        format.apply(value) + (within ? " >= " : " < ") + format.apply(limit));
  }

  /** Nothing to compare: no data, or the source could not be asked. Fails closed. */
  static Readiness unmeasured(String name, double limit, String source, String why) {
    return new Readiness(name, Status.FAILED, null, limit, source, why);
  }

  Readiness warning(String why) {
    return status == Status.PASSED ? new Readiness(name, Status.WARNING, value, limit, source, message + "; " + why) : this;
  }

  /** {@code memory 0.9 > 0.8}: the check, its figure and its limit. */
  public String summary() {
    return name + " " + message;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", name);
    map.put("status", status.label());
    map.put("value", value);
    map.put("limit", limit);
    map.put("source", source);
    map.put("message", message);
    return map;
  }

  /** Three decimals: 0.078, 0.9. */
  static String share(double value) {
    return Param.text(Math.round(value * 1000) / 1000.0);
  }

  static String millis(double value) {
    return Param.text(Math.round(value * 100) / 100.0) + " ms";
  }
}
