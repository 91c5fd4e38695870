package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.engine.api.ProgressListener;
import io.hal9.migrate.engine.internal.plan.VersionNumber;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;

/**
 * The knobs of one engine, validated by {@code Configuration}.
 *
 * @param target the last version to apply, or null for all
 * @param password kept out of every message
 * @param prometheus the Prometheus server a step's {@code throttle-query} asks, or null
 * @param meters where steps put meters of their own (a registry that keeps nothing when none was configured)
 */
public record Settings(VersionNumber target, ProgressListener progress, Duration lease, Duration lockWait, String password,
    URI prometheus, MeterRegistry meters) {}
