package io.hal9.migrate.checkpoints;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The routing as hal9_routing and hal9_flags hold it: the rollout's phase (null before any), the hierarchical
 * system's share of traffic, whether it sees a mirror of all of it, and the flags by name.
 */
public record RoutingState(String phase, int hierarchicalPercent, boolean mirrored, SortedMap<String, FlagState> flags) {
  public RoutingState {
    flags = Collections.unmodifiableSortedMap(new TreeMap<>(flags));
  }

  public record FlagState(boolean enabled, int percentage) {
    String describe() {
      return (enabled ? "on " : "off ") + percentage + "%";
    }
  }

  String describeTraffic() {
    return "hierarchical " + hierarchicalPercent + "%" + (mirrored ? ", mirrored" : "");
  }
}
