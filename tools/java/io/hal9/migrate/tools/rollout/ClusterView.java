package io.hal9.migrate.tools.rollout;

import io.hal9.migrate.engine.api.Routing;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the cluster holds: the flags file as published, and the split as the traffic object holds it. They
 * disagree when someone edited one by hand, or a publish failed halfway; HAL9 routes by the traffic object.
 *
 * @param flagsFile the ConfigMap's {@code feature_flags.json}, or null when absent or unreadable
 * @param flagsFileProblem why there is no flags file (absent, or what is wrong with it), or null
 * @param trafficObject which object holds the split: {@code httproute hal9/hal9}
 * @param hierarchicalPercent the hierarchical system's share as the traffic object sends it
 * @param mirrored whether the traffic object mirrors requests to the hierarchical system; null when it holds no
 *     mirror (ingress-nginx)
 */
public record ClusterView(Routing flagsFile, String flagsFileProblem, String trafficObject, int hierarchicalPercent,
    Boolean mirrored) {

  /** What HAL9 routes by: the traffic object's split with the flags file's phase and flags; empty without a flags file. */
  public Optional<Routing> routing() {
    if (flagsFile == null) {
      return Optional.empty();
    }
    boolean mirror = mirrored != null ? mirrored : flagsFile.mirrored();
    return Optional.of(new Routing(flagsFile.phase(), hierarchicalPercent, mirror, flagsFile.flags()));
  }

  /** Whether the traffic object sends what the flags file says. */
  public boolean agrees() {
    return flagsFile != null && flagsFile.hierarchicalPercent() == hierarchicalPercent
        && (mirrored == null || mirrored == flagsFile.mirrored());
  }

  /** Whether the cluster holds exactly {@code routing}, in the flags file and the traffic object alike. */
  public boolean holds(Routing routing) {
    return agrees() && Objects.equals(flagsFile, routing);
  }

  /**
   * One line for {@code status}: {@code cluster: canary, hierarchical 5%, flags hierarchical_routing 100%}, or where
   * the two disagree, {@code cluster: httproute hal9/hal9 says hierarchical 25%, feature_flags.json says 5%; ...}.
   */
  public String describe() {
    String split = "hierarchical " + hierarchicalPercent + "%" + (Boolean.TRUE.equals(mirrored) ? " (mirrored)" : "");
    if (flagsFile == null) {
      return "cluster: " + trafficObject + " says " + split + "; " + flagsFileProblem;
    }
    String flags = "flags " + describeFlags(flagsFile);
    String phase = flagsFile.phase() == null ? "no phase" : flagsFile.phase();
    if (agrees()) {
      return "cluster: " + phase + ", " + split + ", " + flags;
    }
    return "cluster: " + trafficObject + " says " + split + ", " + ClusterTarget.FLAGS_KEY + " says hierarchical "
        + flagsFile.hierarchicalPercent() + "%" + (flagsFile.mirrored() ? " (mirrored)" : "") + "; " + phase + ", " + flags;
  }

  static String describeFlags(Routing routing) {
    if (routing.flags().isEmpty()) {
      return "none";
    }
    return routing.flags().entrySet().stream()
        .map(flag -> flag.getKey() + " " + (flag.getValue().enabled() ? flag.getValue().percentage() + "%" : "off"))
        .collect(Collectors.joining(", "));
  }
}
