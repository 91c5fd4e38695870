package io.hal9.migrate.tools.rollout;

import io.hal9.migrate.engine.api.Routing;

/** Publishes the routing to where HAL9 reads it; the table stays its source of truth. */
interface RoutingPublisher {
  /** A step without {@code cluster:}: the table alone holds the routing, and {@code status} says so. */
  RoutingPublisher TABLE_ONLY = new RoutingPublisher() {
    @Override
    public void publish(Routing routing) {}

    @Override
    public String toString() {
      return "the table only (no cluster: configured)";
    }
  };

  /**
   * Makes the cluster hold {@code routing}; doing so twice changes nothing more.
   *
   * @throws io.hal9.migrate.engine.api.Hal9MigrateException when the cluster refused it after its retries
   */
  void publish(Routing routing);
}
