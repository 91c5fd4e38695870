package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks on requested CPU and memory that the {@code scale} command and the {@code scale} step share:
 * quantities as Kubernetes writes them (fabric8's {@link Quantity} parses them), above zero, no request above its
 * limit.
 */
public final class ResourceQuantities {
  /** The resources a scale may set, in the order problems are reported. */
  public static final List<String> RESOURCES = List.of("cpu", "memory");
  /** What a bad value is told: {@code expected a positive quantity such as 1.5, 500m or 3Gi}. */
  public static final String EXPECTED = "expected a positive quantity such as 1.5, 500m or 3Gi";

  private ResourceQuantities() {}

  /** {@code 1.5}, {@code 500m}, {@code 3Gi} as a number (cores, bytes). */
  public static BigDecimal amount(String quantity) {
    return new Quantity(quantity).getNumericalAmount();
  }

  /** Whether {@code quantity} is one Kubernetes reads, and above zero. */
  public static boolean positive(String quantity) {
    try {
      return amount(quantity).signum() > 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** {@code cpu request 4 is above its limit 3}, for each resource given both ways with the request above. */
  public static List<String> requestsAboveLimits(Map<String, String> requests, Map<String, String> limits) {
    List<String> problems = new ArrayList<>();
    for (String resource : RESOURCES) {
      String request = requests.get(resource);
      String limit = limits.get(resource);
      if (request != null && limit != null && amount(request).compareTo(amount(limit)) > 0) {
        problems.add(resource + " request " + request + " is above its limit " + limit);
      }
    }
    return problems;
  }
}
