package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Whether a pod's tolerations let it onto a node's taints, by the Kubernetes rules (the scheduler's
 * TaintToleration filter). Only NoSchedule and NoExecute taints keep a pod off a node; PreferNoSchedule is a wish.
 */
public final class Tolerations {
  private static final Set<String> KEEPING_OFF = Set.of("NoSchedule", "NoExecute");

  private Tolerations() {}

  /** Whether every NoSchedule/NoExecute taint among {@code taints} is tolerated by one of {@code tolerations}. */
  public static boolean tolerateAll(List<Toleration> tolerations, List<Taint> taints) {
    if (taints == null) {
      return true;
    }
    List<Toleration> given = tolerations == null ? List.of() : tolerations;
    return taints.stream()
        .filter(taint -> KEEPING_OFF.contains(taint.getEffect()))
        .allMatch(taint -> given.stream().anyMatch(toleration -> tolerates(toleration, taint)));
  }

  /**
   * One toleration against one taint: an empty effect matches every effect, an empty key (with Exists) every
   * key; Exists ignores the value, Equal (the default operator) wants the same value.
   */
  public static boolean tolerates(Toleration toleration, Taint taint) {
    if (!empty(toleration.getEffect()) && !toleration.getEffect().equals(taint.getEffect())) {
      return false;
    }
    if (!empty(toleration.getKey()) && !toleration.getKey().equals(taint.getKey())) {
      return false;
    }
    String operator = empty(toleration.getOperator()) ? "Equal" : toleration.getOperator();
    return switch (operator) {
      case "Exists" -> true;
      case "Equal" -> Objects.equals(text(toleration.getValue()), text(taint.getValue()));
      default -> false;
    };
  }

  private static boolean empty(String value) {
    return value == null || value.isEmpty();
  }

  /** An absent value is the empty one, as in the API's Go structs. */
  private static String text(String value) {
    return value == null ? "" : value;
  }
}
