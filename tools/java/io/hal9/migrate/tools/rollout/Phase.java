package io.hal9.migrate.tools.rollout;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HAL9's five phases, with the traffic and flags its orchestrator gave each (a step may change both). Each phase
 * keeps the flags of those before it on.
 */
enum Phase {
  SHADOW(0, true, List.of("shadow_mode")),
  CANARY(5, false, List.of("hierarchical_routing")),
  STATE_MIGRATION(25, false, List.of("state_migration", "cognitive_layers")),
  RAMP_UP(75, false, List.of("protocol_layer", "substrate_layer")),
  FULL(100, false, List.of("intelligence_layer"));

  final int hierarchicalPercent;
  final boolean mirrored;
  /** Turned on (100%) when the phase begins, unless the step names its own flags. */
  final List<String> flags;

  Phase(int hierarchicalPercent, boolean mirrored, List<String> flags) {
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
    return flags.stream().collect(java.util.stream.Collectors.toMap(f -> f, f -> 100));
  }
}
