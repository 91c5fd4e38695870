package io.hal9.migrate.engine.internal.plan;

import io.hal9.migrate.engine.internal.steps.FlywayStepType;
import io.hal9.migrate.engine.internal.steps.NeuronSeedStepType;
import io.hal9.migrate.engine.internal.steps.SqlStepType;
import io.hal9.migrate.engine.internal.steps.embedding.EmbeddingStepType;
import io.hal9.migrate.engine.internal.steps.state.NeuronStateStepType;
import io.hal9.migrate.engine.spi.StepType;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The step types plans may use, by name: the engine's own, and those on the class path through
 * {@link ServiceLoader} (the tools' {@code health} and {@code scale}, a user's jar). The engine lists its own in
 * code because one jar can hold only one {@code META-INF/services} file per interface, and that one is the
 * tools'.
 */
public final class StepTypes {
  private StepTypes() {}

  public static Map<String, StepType> load(ClassLoader classLoader) {
    Map<String, StepType> types = new TreeMap<>();
    List.of(new SqlStepType(), new FlywayStepType(), new NeuronSeedStepType(), new NeuronStateStepType(),
        new EmbeddingStepType()).forEach(type -> add(types, type));
    ServiceLoader.load(StepType.class, classLoader).forEach(type -> add(types, type));
    return types;
  }

  private static void add(Map<String, StepType> types, StepType type) {
    StepType clash = types.putIfAbsent(type.name(), type);
    if (clash != null && clash.getClass() != type.getClass()) {
      throw new IllegalStateException("two step types named '" + type.name() + "': "
          + clash.getClass().getName() + " and " + type.getClass().getName());
    }
  }
}
