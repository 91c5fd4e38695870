package io.hal9.migrate.tools.scale;

import java.util.Map;

/** HAL9's Kubernetes standard (HAL9-REFERENCE, Operations): what {@code --standard} / {@code standard: true} set. */
public final class Hal9Standard {
  public static final int REPLICAS = 10;
  public static final int HPA_MIN = 10;
  public static final int HPA_MAX = 50;
  public static final Map<String, String> REQUESTS = Map.of("memory", "3Gi", "cpu", "1.5");
  public static final Map<String, String> LIMITS = Map.of("memory", "6Gi", "cpu", "3");

  private Hal9Standard() {}
}
