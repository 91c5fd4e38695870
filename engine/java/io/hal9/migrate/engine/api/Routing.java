package io.hal9.migrate.engine.api;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What HAL9 routes its requests by: the rollout's phase, the share of traffic the hierarchical system serves (the
 * flat one serves the rest), whether the hierarchical system sees a mirror of all traffic (shadow), and the feature
 * flags. Its source of truth is the target database; the cluster holds a published copy.
 *
 * @param phase shadow, canary, state-migration, ramp-up, full, or null before any rollout step ran
 * @param hierarchicalPercent 0..100
 */
public record Routing(String phase, int hierarchicalPercent, boolean mirrored, SortedMap<String, Flag> flags) {
  /** Before any rollout: everything on the flat system, no flag on. */
  public static final Routing NONE = new Routing(null, 0, false, new TreeMap<>());

  public Routing {
    if (hierarchicalPercent < 0 || hierarchicalPercent > 100) {
      throw new IllegalArgumentException("hierarchical traffic " + hierarchicalPercent + "%: expected 0..100");
    }
    flags = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(flags, "flags")));
  }

  public int flatPercent() {
    return 100 - hierarchicalPercent;
  }

  /** The same routing with {@code flag} at {@code percent} (0 turns it off). */
  public Routing withFlag(String flag, int percent) {
    SortedMap<String, Flag> changed = new TreeMap<>(flags);
    changed.put(flag, Flag.at(percent));
    return new Routing(phase, hierarchicalPercent, mirrored, changed);
  }

  /** A feature flag: on for {@code percentage} of requests (HAL9 hashes the request to decide). */
  public record Flag(boolean enabled, int percentage) {
    public Flag {
      if (percentage < 0 || percentage > 100) {
        throw new IllegalArgumentException("flag percentage " + percentage + ": expected 0..100");
      }
    }

    public static Flag at(int percent) {
      return new Flag(percent > 0, percent);
    }
  }

  /** "canary: hierarchical 5%, flags hierarchical_routing 100%, shadow_mode off". */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(phase == null ? "no phase" : phase).append(": hierarchical ").append(hierarchicalPercent)
        .append('%').append(mirrored ? " (mirrored 100%)" : "").append(", flags ");
    if (flags.isEmpty()) {
      text.append("none");
    }
    String separator = "";
    for (Map.Entry<String, Flag> flag : flags.entrySet()) {
      text.append(separator).append(flag.getKey()).append(' ').append(flag.getValue().enabled() ? flag.getValue().percentage() + "%" : "off");
      separator = ", ";
    }
    return text.toString();
  }
}
