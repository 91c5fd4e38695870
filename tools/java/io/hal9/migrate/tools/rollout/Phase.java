package io.hal9.migrate.tools.rollout;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * HAL9's five phases, with the traffic and flags its orchestrator gave each (a step may change both). Each phase
 * keeps the flags of those before it as they are, but for the shadow's, which ends with the mirror.
 */
enum Phase {
  SHADOW(0, true, Map.of("shadow_mode", 100)),
  CANARY(5, false, Map.of("hierarchical_routing", 100, "shadow_mode", 0)),
  STATE_MIGRATION(25, false, Map.of("state_migration", 100, "cognitive_layers", 100)),
  RAMP_UP(75, false, Map.of("protocol_layer", 100, "substrate_layer", 100)),
  FULL(100, false, Map.of("intelligence_layer", 100));

  final int hierarchicalPercent;
  final boolean mirrored;
  /** Set when the phase begins (percent; 0 turns one off), unless the step names its own flags. */
  private final Map<String, Integer> flags;

  Phase(int hierarchicalPercent, boolean mirrored, Map<String, Integer> flags) {
    this.hierarchicalPercent = hierarchicalPercent;
    this.mirrored = mirrored;
    this.flags = flags;
  }

  String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Phase of(String label) {
    return Arrays.stream(values()).filter(p -> p.label().equals(label)).findFirst().orElse(null);
  }

  static String labels() {
    return String.join(", ", Arrays.stream(values()).map(Phase::label).toList());
  }

  Map<String, Integer> defaultFlags() {
    return flags;
  }
}
