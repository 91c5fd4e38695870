package io.hal9.migrate.engine.steps.state;

import static io.hal9.migrate.engine.spi.Param.Kind.BOOLEAN;
import static io.hal9.migrate.engine.spi.Param.Kind.IDENTIFIER;
import static io.hal9.migrate.engine.spi.Param.Kind.INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.LIST;
import static io.hal9.migrate.engine.spi.Param.Kind.STRING;

import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.NeuronTransform;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code type: neuron-state}: batched transforms of the JSON state documents of a neuron table, from one state
 * version to the next, exactly once per row, with per-row snapshots for an exact rollback.
 */
public final class NeuronStateStepType implements StepType {
  static final Set<String> ON_INVALID = Set.of("fail", "skip");

  @Override
  public String name() {
    return "neuron-state";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.optional("table", IDENTIFIER, "neurons"),
        Param.optional("key", IDENTIFIER, "id"),
        Param.optional("state-column", IDENTIFIER, "state"),
        Param.optional("version-column", IDENTIFIER, "state_version"),
        Param.optional("layer-column", IDENTIFIER, "layer"),
        Param.required("from-version", INTEGER),
        Param.required("to-version", INTEGER),
        Param.optional("snapshot", BOOLEAN, true),
        Param.optional("on-invalid", STRING, "fail"),
        Param.optional("ops", LIST, null),
        Param.optional("transform", STRING, null),
        Param.batchSize(1000),
        Param.tuning("pushdown", BOOLEAN, true));
  }

  @Override
  public void validate(StepDefinition step, Problems problems) {
    if (step.longValue("from-version") == step.longValue("to-version")) {
      problems.report(step, "to-version", "must differ from 'from-version' (" + step.longValue("from-version") + ")");
    }
    if (!ON_INVALID.contains(step.string("on-invalid"))) {
      problems.report(step, "on-invalid", "expected fail or skip, got '" + step.string("on-invalid") + "'");
    }
    StateOps.parse(step.value("ops"), step.string("state-column"), message -> problems.report(step, "ops", message));
    if (!step.has("ops") && !step.has("transform")) {
      problems.report(step, "ops", "give 'ops', 'transform' or both");
    }
    if (step.has("transform")) {
      try {
        transform(step);
      } catch (IllegalArgumentException e) {
        problems.report(step, "transform", e.getMessage());
      }
    }
  }

  @Override
  public Step create(StepDefinition step) {
    List<String> problems = new ArrayList<>();
    List<StateOps.Op> ops = StateOps.parse(step.value("ops"), step.string("state-column"), problems::add);
    return new NeuronStateStep(step, ops, step.has("transform") ? transform(step) : null);
  }

  /** The user's transform class, from the thread's context class loader (the CLI's --classpath). */
  static NeuronTransform transform(StepDefinition step) {
    String name = step.string("transform");
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      Class<?> type = Class.forName(name, true, loader);
      if (!NeuronTransform.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException("class " + name + " does not implement " + NeuronTransform.class.getName());
      }
      return (NeuronTransform) type.getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("class " + name + " not found (put its jar on --classpath)");
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalArgumentException("cannot create " + name + ": " + e);
    }
  }
}
