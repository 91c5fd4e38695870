package io.hal9.migrate.engine.spi;

import io.hal9.migrate.engine.plan.StepDefinition;
import java.util.List;

/**
 * A kind of plan step, found through {@link java.util.ServiceLoader}: list the implementation in
 * {@code META-INF/services/io.hal9.migrate.engine.spi.StepType} and plans may use its {@link #name()}.
 */
public interface StepType {

  /** The value of {@code type:} in a plan file. */
  String name();

  /** Every key the step accepts besides {@code id}, {@code type} and {@code description}. */
  List<Param> params();

  /**
   * Checks what key types alone cannot (one of two keys, a file that must exist); runs after those checks
   * passed, before anything touches the database.
   */
  default void validate(StepDefinition step, Problems problems) {}

  /** Content the step reads from outside the plan file (a SQL file, a migrations folder), for the checksum. */
  default byte[] externalContent(StepDefinition step) {
    return new byte[0];
  }

  Step create(StepDefinition step);
}
