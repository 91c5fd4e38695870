package io.hal9.migrate.tools.health;

/** One thing to measure and hold to its limits; built from a {@code checks:} entry by {@link HealthChecks}. */
public interface HealthCheck {

  /** The check's kind, as written after {@code check:}. */
  String kind();

  /** Measures now. A check that cannot measure (no database, no such path) fails; it does not throw. */
  CheckResult run(HealthTarget target);
}
