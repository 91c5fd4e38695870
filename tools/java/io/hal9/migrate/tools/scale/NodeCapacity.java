package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the cluster's nodes can still hold: the allocatable CPU and memory of the Ready, schedulable nodes minus
 * what the pods bound to them request (terminated pods hold nothing). This is the scheduler's own accounting,
 * summed over nodes.
 */
public final class NodeCapacity {
  private static final Set<String> TERMINATED = Set.of("Succeeded", "Failed");

  private NodeCapacity() {}

  public static CpuMemory free(KubernetesClient client) {
    List<Node> nodes = client.nodes().list().getItems().stream()
        .filter(node -> node.getSpec() == null || !Boolean.TRUE.equals(node.getSpec().getUnschedulable()))
        .filter(Readiness::isNodeReady)
        .toList();
    Set<String> names = nodes.stream().map(node -> node.getMetadata().getName()).collect(Collectors.toSet());
    CpuMemory allocatable = nodes.stream()
        .map(node -> CpuMemory.of(node.getStatus() == null ? null : node.getStatus().getAllocatable()))
        .reduce(CpuMemory.ZERO, CpuMemory::plus);
    CpuMemory requested = client.pods().inAnyNamespace().list().getItems().stream()
        .filter(pod -> pod.getSpec() != null && names.contains(pod.getSpec().getNodeName()))
        .filter(pod -> pod.getStatus() == null || !TERMINATED.contains(pod.getStatus().getPhase()))
        .map(Pod::getSpec)
        .map(NodeCapacity::requestsOf)
        .reduce(CpuMemory.ZERO, CpuMemory::plus);
    return allocatable.minus(requested);
  }

  /**
   * What one pod requests, as the scheduler counts it: its containers together, or its largest init container
   * if that is more (init containers run one at a time, before the others), plus the pod's overhead.
   */
  public static CpuMemory requestsOf(PodSpec spec) {
    CpuMemory containers = sum(spec.getContainers());
    CpuMemory init = spec.getInitContainers() == null ? CpuMemory.ZERO : spec.getInitContainers().stream()
        .map(NodeCapacity::requestsOf)
        .reduce(CpuMemory.ZERO, CpuMemory::max);
    return containers.max(init).plus(CpuMemory.of(spec.getOverhead()));
  }

  private static CpuMemory sum(List<Container> containers) {
    return containers == null ? CpuMemory.ZERO
        : containers.stream().map(NodeCapacity::requestsOf).reduce(CpuMemory.ZERO, CpuMemory::plus);
  }

  /** A container's requests; one given only as a limit is requested at the limit (as the API server defaults it). */
  private static CpuMemory requestsOf(Container container) {
    if (container.getResources() == null) {
      return CpuMemory.ZERO;
    }
    Map<String, Quantity> requests = new HashMap<>();
    if (container.getResources().getLimits() != null) {
      requests.putAll(container.getResources().getLimits());
    }
    if (container.getResources().getRequests() != null) {
      requests.putAll(container.getResources().getRequests());
    }
    return CpuMemory.of(requests);
  }
}
