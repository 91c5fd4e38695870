package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.internal.plan.Plan;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the database's record of applied steps and the plan directory disagree: a step edited after it was
 * applied (checksum) or a step the database knows that the plans no longer have (history).
 */
record Drift(List<StepDefinition> changed, List<StepCheckpoint> missing, List<String> problems) {

  static Drift between(Plan plan, Map<String, StepCheckpoint> checkpoints) {
    List<StepDefinition> changed = new ArrayList<>();
    List<StepCheckpoint> missing = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    List<String> absences = new ArrayList<>();
    for (StepCheckpoint checkpoint : checkpoints.values()) {
      if (!checkpoint.applied()) {
        continue;
      }
      Optional<StepDefinition> step = plan.step(checkpoint.stepId());
      if (step.isEmpty() || !step.get().version().equals(checkpoint.version())) {
        missing.add(checkpoint);
        absences.add("step '" + checkpoint.stepId() + "' of version " + checkpoint.version() + " is recorded as "
            + checkpoint.state().label() + " in the database but is not in " + plan.directory()
            + (step.isPresent() ? " at that version (now in version " + step.get().version() + ")" : ""));
      } else if (!step.get().checksum().equals(checkpoint.checksum())) {
        changed.add(step.get());
        changes.add(step.get().file() + ":" + step.get().line() + ": step '" + checkpoint.stepId()
            + "' changed since it was applied (checksum " + abbreviate(checkpoint.checksum()) + " -> "
            + abbreviate(step.get().checksum()) + ")");
      }
    }
    // Edits first: the code, and so the remedy a caller offers, is the first problem's.
    List<String> problems = new ArrayList<>(changes);
    problems.addAll(absences);
    return new Drift(changed, missing, problems);
  }

  void failIfAny() {
    if (problems.isEmpty()) {
      return;
    }
    ErrorCode code = changed.isEmpty() ? ErrorCode.HISTORY_MISMATCH : ErrorCode.CHECKSUM_MISMATCH;
    String message = problems.size() == 1 ? problems.get(0)
        : problems.size() + " applied steps disagree with the plans; first: " + problems.get(0);
    throw new Hal9MigrateException(code, message, problems, null);
  }

  private static String abbreviate(String checksum) {
    return checksum == null ? "none" : checksum.substring(0, Math.min(12, checksum.length()));
  }
}
