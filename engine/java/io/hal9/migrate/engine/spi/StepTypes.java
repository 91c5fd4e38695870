package io.hal9.migrate.engine.spi;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The step types on the class path, by name. */
public final class StepTypes {
  private StepTypes() {}

  public static Map<String, StepType> load(ClassLoader classLoader) {
    Map<String, StepType> types = new TreeMap<>();
    for (StepType type : ServiceLoader.load(StepType.class, classLoader)) {
      StepType clash = types.putIfAbsent(type.name(), type);
      if (clash != null) {
        throw new IllegalStateException("two step types named '" + type.name() + "': "
            + clash.getClass().getName() + " and " + type.getClass().getName());
      }
    }
    return types;
  }
}
