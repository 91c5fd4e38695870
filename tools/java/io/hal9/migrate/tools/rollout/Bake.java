package io.hal9.migrate.tools.rollout;

import java.util.Map;
import java.util.TreeMap;

/**
 * A rollout step's checkpointed bake, its counters: the time baked so far, how long each gate has held and each
 * trigger has been beyond its bound (in a row), failed health checks in a row, and each signal's last reading.
 * Time a runner was dead does not count: a resumed bake goes on from what was committed.
 */
record Bake(long rowsBefore, long bakedMillis, Map<String, Long> heldMillis, Map<String, Long> beyondMillis,
    int failedHealthChecks, Map<String, String> last) {

  /**
   * @param rowsBefore the step's rows when this attempt began (an earlier attempt's baked seconds): the step's
   *     rows count baked seconds, so its progress and ETA are the bake's
   */
  static Bake fresh(long rowsBefore) {
    return new Bake(rowsBefore, 0, new TreeMap<>(), new TreeMap<>(), 0, new TreeMap<>());
  }

  Bake baked(long millis) {
    return new Bake(rowsBefore, bakedMillis + millis, heldMillis, beyondMillis, failedHealthChecks, last);
  }

  Bake looked(Map<String, Long> held, Map<String, Long> beyond, int failedHealth, Map<String, String> readings) {
    return new Bake(rowsBefore, bakedMillis, held, beyond, failedHealth, readings);
  }

  Bake {
    heldMillis = new TreeMap<>(heldMillis == null ? Map.of() : heldMillis);
    beyondMillis = new TreeMap<>(beyondMillis == null ? Map.of() : beyondMillis);
    last = new TreeMap<>(last == null ? Map.of() : last);
  }
}
