package io.hal9.migrate.tools.scale;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One field that changes: {@code replicas}, {@code hpa.minReplicas}, {@code hpa.maxReplicas}, or
 * {@code requests.cpu}, {@code limits.memory} and the like (of the plan's container). A null value is an absent one.
 */
public record ScaleChange(String field, Object before, Object after) {

  Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("field", field);
    map.put("before", before);
    map.put("after", after);
    return map;
  }

  @Override
  public String toString() {
    return field + ": " + (before == null ? "(none)" : before) + " -> " + (after == null ? "(none)" : after);
  }
}
