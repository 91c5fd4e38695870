package io.hal9.migrate.engine.internal.steps.state;

import static io.hal9.migrate.engine.spi.Param.Kind.BOOLEAN;
import static io.hal9.migrate.engine.spi.Param.Kind.COLUMN;
import static io.hal9.migrate.engine.spi.Param.Kind.COLUMNS;
import static io.hal9.migrate.engine.spi.Param.Kind.INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.LIST;
import static io.hal9.migrate.engine.spi.Param.Kind.STRING;
import static io.hal9.migrate.engine.spi.Param.Kind.STRINGS;
import static io.hal9.migrate.engine.spi.Param.Kind.TABLE;

import io.hal9.migrate.engine.internal.steps.StepTables;
import io.hal9.migrate.engine.spi.NeuronTransform;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepType;
import io.hal9.migrate.engine.spi.tables.Catalog;
import java.util.List;
import java.util.Set;

/**
 * {@code type: neuron-state}: batched transforms of the JSON state documents of a neuron table, from one state
 * version to the next, exactly once per row, with per-row snapshots for an exact rollback.
 */
public final class NeuronStateStepType implements StepType {
  static final Set<String> ON_INVALID = Set.of("fail", "skip");
  /** HAL9's layers (HAL9-REFERENCE.md): what a layer-map may write unless the step names its own. */
  static final List<String> HAL9_LAYERS = List.of("L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9");

  @Override
  public String name() {
    return "neuron-state";
  }

  @Override
  public List<Param> params() {
    return Param.batched(1000,
        Param.optional("table", TABLE, "neurons"),
        Param.optional("key", COLUMNS, "id"),
        Param.optional("state-column", COLUMN, "state"),
        Param.optional("version-column", COLUMN, "state_version"),
        Param.optional("layer-column", COLUMN, "layer"),
        Param.optional("layers", STRINGS, null),
        Param.required("from-version", INTEGER),
        Param.required("to-version", INTEGER),
        Param.optional("snapshot", BOOLEAN, true),
        Param.optional("on-invalid", STRING, "fail"),
        Param.optional("ops", LIST, null),
        Param.optional("transform", STRING, null),
        Param.tuning("pushdown", BOOLEAN, true),
        Param.partitions());
  }

  @Override
  public void validate(StepDefinition step, Problems problems) {
    if (step.longValue("from-version") == step.longValue("to-version")) {
      problems.report(step, "to-version", "must differ from 'from-version' (" + step.longValue("from-version") + ")");
    }
    if (!ON_INVALID.contains(step.string("on-invalid"))) {
      problems.report(step, "on-invalid", "expected fail or skip, got '" + step.string("on-invalid") + "'");
    }
    List<StateOps.Op> ops = StateOps.parse(step.value("ops"), step.string("state-column"),
        message -> problems.report(step, "ops", message));
    List<String> layers = step.has("layers") ? step.strings("layers") : HAL9_LAYERS;
    for (int i = 0; i < ops.size(); i++) {
      if (ops.get(i) instanceof StateOps.LayerMap map) {
        for (String layer : map.layers()) {
          if (!layers.contains(layer)) {
            problems.report(step, "ops", "layer-map writes '" + layer + "', which is not one of "
                + (step.has("layers") ? "the step's layers " + String.join(", ", layers)
                    : "HAL9's layers L1..L9 (name the step's own with 'layers:')"));
          }
        }
      }
    }
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
  public void preflight(StepDefinition step, Catalog catalog, Problems problems) {
    StateTable.resolve(step, ops(step), step.has("transform"), new StepTables(step, catalog, problems));
  }

  @Override
  public Step create(StepDefinition step) {
    return new NeuronStateStep(step, ops(step), step.has("transform") ? transform(step) : null);
  }

  /** The ops of a validated step. */
  private static List<StateOps.Op> ops(StepDefinition step) {
    return StateOps.parse(step.value("ops"), step.string("state-column"), problem -> {
      throw new IllegalStateException(problem);
    });
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
      throw new IllegalArgumentException("class " + name + " not found on the class path (add its jar to it)");
    } catch (ReflectiveOperationException | LinkageError e) {
      throw new IllegalArgumentException("cannot create " + name + ": " + e);
    }
  }
}
