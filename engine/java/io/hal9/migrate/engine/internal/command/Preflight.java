package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.spi.PlanProblem;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepType;
import io.hal9.migrate.engine.spi.tables.Catalog;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.DSLContext;

/**
 * The pending steps checked against the live database before anything is written, the engine's own tables
 * included: the tables and columns they name exist, keys are unique, columns hold what the steps expect. A step
 * after one that may change the schema (a {@code sql} or {@code flyway} step still to run) is checked instead just
 * before it starts, against the schema the earlier steps left. Reads the catalog only.
 */
final class Preflight {
  private final Map<String, StepType> types;
  private final DSLContext dsl;

  Preflight(Map<String, StepType> types, DSLContext dsl) {
    this.types = types;
    this.dsl = dsl;
  }

  /**
   * Checks every pending step that can be checked now.
   *
   * @return the steps to check just before they run
   * @throws Hal9MigrateException PLAN_INVALID with one detail per mismatch
   */
  Set<String> upFront(List<StepDefinition> pending) {
    Set<String> deferred = new LinkedHashSet<>();
    List<StepDefinition> now = new ArrayList<>();
    boolean schemaMayChange = false;
    for (StepDefinition step : pending) {
      if (schemaMayChange) {
        deferred.add(step.id());
      } else {
        now.add(step);
      }
      schemaMayChange |= types.get(step.type()).changesSchema();
    }
    failIfAny(check(now));
    return deferred;
  }

  /** Checks one step just before it runs. @throws Hal9MigrateException PLAN_INVALID */
  void justBefore(StepDefinition step) {
    failIfAny(check(List.of(step)));
  }

  private List<String> check(List<StepDefinition> steps) {
    List<String> problems = new ArrayList<>();
    if (steps.isEmpty()) {
      return problems;
    }
    Catalog catalog = Catalog.of(dsl);
    for (StepDefinition step : steps) {
      types.get(step.type()).preflight(step, catalog, (s, key, message) -> problems.add(
          new PlanProblem(s.file(), s.line(key), "step '" + s.id() + "' key '" + key + "': " + message).toString()));
    }
    return problems.stream().distinct().toList();
  }

  private static void failIfAny(List<String> problems) {
    if (problems.isEmpty()) {
      return;
    }
    String message = problems.size() == 1 ? problems.get(0)
        : "the plans do not fit the database (" + problems.size() + " problems); first: " + problems.get(0);
    throw new Hal9MigrateException(ErrorCode.PLAN_INVALID, message, problems, null);
  }
}
