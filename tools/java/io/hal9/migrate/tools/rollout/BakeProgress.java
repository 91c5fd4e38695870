package io.hal9.migrate.tools.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A rollout step's bake as its checkpoint holds it, for those who show it ({@code rollout status}): the seconds baked
 * and to bake, and each gate's and trigger's last reading. The counters' names are {@link Bake}'s alone.
 *
 * @param readings each one prefixed {@code gate } or {@code trigger } (a reading starts with its signal's name)
 */
public record BakeProgress(long bakedSeconds, long bakeSeconds, List<String> readings) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public BakeProgress {
    readings = List.copyOf(readings);
  }

  /**
   * @param countersJson the step's counters, or null before its first checkpoint
   * @param expectedRows the step's expected rows: they count baked seconds, over the rows of earlier attempts
   */
  public static BakeProgress of(String countersJson, long expectedRows) {
    Bake bake = read(countersJson);
    List<String> readings = new ArrayList<>();
    for (Map.Entry<String, String> last : bake.last().entrySet()) {
      // Keyed "gate NAME" or "trigger NAME": the kind, then the reading.
      readings.add(last.getKey().substring(0, last.getKey().indexOf(' ') + 1) + last.getValue());
    }
    return new BakeProgress(bake.bakedMillis() / 1000, Math.max(expectedRows - bake.rowsBefore(), 0), readings);
  }

  /** The seconds left to bake, none once baked. */
  public long leftSeconds() {
    return Math.max(0, bakeSeconds - bakedSeconds);
  }

  private static Bake read(String countersJson) {
    if (countersJson == null) {
      return Bake.fresh(0);
    }
    try {
      return JSON.readValue(countersJson, Bake.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable bake counters: " + countersJson, e);
    }
  }
}
