package io.hal9.migrate.checkpoints;

import java.time.LocalDateTime;

/**
 * One line of hal9_routing_history.
 *
 * @param subject {@code phase}, {@code traffic} or {@code flag NAME}
 * @param from the value before, or null for a flag set for the first time
 */
public record RoutingChange(long id, LocalDateTime at, String subject, String from, String to, String by, String run,
    String step, String reason) {}
