package io.hal9.migrate.engine.spi;

import java.nio.file.Path;

/** One thing wrong with a plan, where it is: {@code plans/demo/V2__seed.yaml:7: step 'seed': ...}. */
public record PlanProblem(Path file, int line, String message) {
  @Override
  public String toString() {
    return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
  }
}
