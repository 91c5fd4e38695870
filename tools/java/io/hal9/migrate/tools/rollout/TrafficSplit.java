package io.hal9.migrate.tools.rollout;

import io.hal9.migrate.engine.api.Routing;

/** The cluster object that splits requests between the flat and the hierarchical system. */
interface TrafficSplit {
  /** For messages: {@code httproute hal9/hal9}. */
  String describe();

  /**
   * Throws when the object is missing, or does not send to the two systems: what a publish checks before it
   * changes anything.
   */
  void check();

  /** Sets the split (and the mirror, where the object holds one) to {@code routing}'s; writes nothing when it is. */
  void write(Routing routing);

  /** The split as the object holds it now. */
  Split read();

  /**
   * @param hierarchicalPercent the hierarchical system's share of requests
   * @param mirrored whether the hierarchical system gets a copy of every request; null when this kind of object
   *     holds no mirror (ingress-nginx's canary)
   */
  record Split(int hierarchicalPercent, Boolean mirrored) {}
}
