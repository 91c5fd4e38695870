package io.hal9.migrate.engine.api;

import java.time.LocalDateTime;

/**
 * One change of the routing HAL9 reads (hal9_routing_history), timed by the database's clock.
 *
 * @param subject {@code phase}, {@code traffic} or {@code flag NAME}
 * @param from the value before, or null for a flag set the first time
 * @param by the host and pid that changed it
 * @param run the run that changed it, or null (a {@code flags set} outside any run)
 * @param step the rollout step that changed it, or null
 */
public record RoutingChange(long id, LocalDateTime at, String subject, String from, String to, String by, String run,
    String step, String reason) {}
