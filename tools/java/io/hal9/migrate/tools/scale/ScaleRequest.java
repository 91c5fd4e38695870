package io.hal9.migrate.tools.scale;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What to scale and to what: a deployment's replicas and one container's requests/limits, an autoscaler's
 * min/max, or an emergency doubling. Absent values are left as they are; in {@code requests}/{@code limits} a
 * resource mapped to null is removed (how a restore puts back a request that was not there).
 *
 * @param namespace null for the kubeconfig context's namespace
 * @param hpa the autoscaler to change; null to use the one whose target is {@code deployment}, if any
 * @param container null for the deployment's only container
 * @param ceiling the most replicas (and autoscaler max) an emergency may set
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ScaleRequest(String namespace, String deployment, String hpa, Integer replicas, Integer minReplicas,
    Integer maxReplicas, String container, Map<String, String> requests, Map<String, String> limits, boolean emergency,
    int ceiling) {

  public static final int DEFAULT_CEILING = 100;

  public ScaleRequest {
    requests = requests == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requests));
    limits = limits == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(limits));
  }

  public static ScaleRequest replicas(String namespace, String deployment, int replicas) {
    return new ScaleRequest(namespace, deployment, null, replicas, null, null, null, null, null, false, 0);
  }

  public static ScaleRequest hpa(String namespace, String hpa, Integer minReplicas, Integer maxReplicas) {
    return new ScaleRequest(namespace, null, hpa, null, minReplicas, maxReplicas, null, null, null, false, 0);
  }

  public static ScaleRequest resources(String namespace, String deployment, String container, Map<String, String> requests,
      Map<String, String> limits) {
    return new ScaleRequest(namespace, deployment, null, null, null, null, container, requests, limits, false, 0);
  }

  public static ScaleRequest emergency(String namespace, String deployment, String hpa, int ceiling) {
    return new ScaleRequest(namespace, deployment, hpa, null, null, null, null, null, null, true, ceiling);
  }

  boolean changesHpa() {
    return emergency || minReplicas != null || maxReplicas != null;
  }

  boolean changesResources() {
    return !requests.isEmpty() || !limits.isEmpty();
  }
}
