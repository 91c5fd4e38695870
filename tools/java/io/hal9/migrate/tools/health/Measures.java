package io.hal9.migrate.tools.health;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Small helpers the checks share for building their figures. */
final class Measures {
  private Measures() {}

  static Map<String, Object> of(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static double millis(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  static String format(double value) {
    return value == Math.rint(value) ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%s", value);
  }
}
