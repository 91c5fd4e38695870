package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.RoutingState;
import io.hal9.migrate.engine.api.Routing;
import java.util.TreeMap;

/** The routing between the public face's type and the checkpoint tables' own. */
final class Routings {
  private Routings() {}

  static Routing api(RoutingState state) {
    TreeMap<String, Routing.Flag> flags = new TreeMap<>();
    state.flags().forEach((name, flag) -> flags.put(name, new Routing.Flag(flag.enabled(), flag.percentage())));
    return new Routing(state.phase(), state.hierarchicalPercent(), state.mirrored(), flags);
  }

  static RoutingState state(Routing routing) {
    TreeMap<String, RoutingState.FlagState> flags = new TreeMap<>();
    routing.flags().forEach((name, flag) -> flags.put(name, new RoutingState.FlagState(flag.enabled(), flag.percentage())));
    return new RoutingState(routing.phase(), routing.hierarchicalPercent(), routing.mirrored(), flags);
  }
}
