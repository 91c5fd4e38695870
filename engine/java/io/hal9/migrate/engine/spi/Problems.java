package io.hal9.migrate.engine.spi;

import io.hal9.migrate.engine.spi.StepDefinition;

/** Where a step type reports what is wrong with a step; each report names the file, line, step and key. */
public interface Problems {
  void report(StepDefinition step, String key, String message);
}
