package io.hal9.migrate.tools.scale;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link ScaleRequest} changes in the cluster as it stands: the resolved objects, the fields with their
 * values before and after, and the capacity check of a scale-up (null when nothing grows).
 *
 * @param hpa the autoscaler involved, or null
 * @param container the container whose resources change, or null
 */
public record ScalePlan(String namespace, String deployment, String hpa, String container, List<ScaleChange> changes,
    Capacity capacity) {

  public boolean changesDeployment() {
    return changes.stream().anyMatch(c -> !c.field().startsWith("hpa."));
  }

  public boolean changesHpa() {
    return changes.stream().anyMatch(c -> c.field().startsWith("hpa."));
  }

  /** The request that puts back the values this plan replaces: what a step records before applying it. */
  public ScaleRequest previous() {
    Integer replicas = null;
    Integer min = null;
    Integer max = null;
    Map<String, String> requests = new LinkedHashMap<>();
    Map<String, String> limits = new LinkedHashMap<>();
    for (ScaleChange change : changes) {
      String field = change.field();
      Object before = change.before();
      switch (field) {
        case "replicas" -> replicas = (Integer) before;
        case "hpa.minReplicas" -> min = (Integer) before;
        case "hpa.maxReplicas" -> max = (Integer) before;
        default -> (field.startsWith("requests.") ? requests : limits).put(field.substring(field.indexOf('.') + 1), (String) before);
      }
    }
    return new ScaleRequest(namespace, changesDeployment() ? deployment : null, changesHpa() ? hpa : null, replicas, min, max,
        container, requests, limits, false, 0);
  }

  /** The stable JSON fields of a plan (and of its result). */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("namespace", namespace);
    map.put("deployment", deployment);
    map.put("hpa", hpa);
    map.put("container", container);
    map.put("changes", changes.stream().map(ScaleChange::toMap).toList());
    map.put("capacity", capacity == null ? null : capacity.toMap());
    return map;
  }
}
