package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.RunLock;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.engine.api.RoutingChange;
import java.util.List;

/**
 * The routing HAL9 reads, from any process: read it, set a flag by hand, ask the running rollout step to go back.
 * A flag set here is not fenced by the run lock: an operator's switch must work while a run holds it.
 */
public final class RoutingCommand {
  private final Engine engine;

  public RoutingCommand(Engine engine) {
    this.engine = engine;
  }

  public Routing routing() {
    return Routings.api(engine.store().routing());
  }

  /** @return the changes written; none when the tables held {@code routing} already */
  public List<String> route(Routing routing, String reason) {
    engine.store().initialize();
    return engine.store().route(Routings.state(routing), RunLock.thisProcess(), reason);
  }

  public List<RoutingChange> history(int limit) {
    return engine.store().routingHistory(limit).stream()
        .map(c -> new RoutingChange(c.id(), c.at(), c.subject(), c.from(), c.to(), c.by(), c.run(), c.step(), c.reason()))
        .toList();
  }

  /** @return false when no rollout phase is on */
  public boolean requestAbort() {
    if (!engine.store().initialized()) {
      return false;
    }
    engine.store().initialize();
    return engine.store().requestAbort(RunLock.thisProcess());
  }
}
