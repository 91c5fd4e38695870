package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.List;
import java.util.Map;

/**
 * One Ready, schedulable node and what it can still hold: its allocatable CPU and memory minus what the pods
 * bound to it request. {@link #admits} is the scheduler's first filters for a pod: taints and nodeSelector
 * (affinity is not looked at).
 */
public record NodeRoom(String name, Map<String, String> labels, List<Taint> taints, CpuMemory free) {

  public NodeRoom {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    taints = taints == null ? List.of() : List.copyOf(taints);
  }

  /** Whether a pod of {@code spec} may go here: every taint tolerated, every nodeSelector label matched. */
  public boolean admits(PodSpec spec) {
    Map<String, String> selector = spec.getNodeSelector() == null ? Map.of() : spec.getNodeSelector();
    return Tolerations.tolerateAll(spec.getTolerations(), taints)
        && selector.entrySet().stream().allMatch(label -> label.getValue().equals(labels.get(label.getKey())));
  }

  public boolean holds(CpuMemory requests) {
    return requests.fitsIn(free);
  }

  /** This node with {@code requests} more taken. */
  public NodeRoom taking(CpuMemory requests) {
    return new NodeRoom(name, labels, taints, free.minus(requests));
  }
}
