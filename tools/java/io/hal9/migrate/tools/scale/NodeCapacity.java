package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.readiness.Readiness;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the cluster's nodes can still hold, node by node: the allocatable CPU and memory of each Ready,
 * schedulable node minus what the pods bound to it request (terminated pods hold nothing), which is the
 * scheduler's own accounting; and the pods still waiting for a node, which take room before anything added now.
 */
public final class NodeCapacity {
  private static final Set<String> TERMINATED = Set.of("Succeeded", "Failed");

  private final List<NodeRoom> rooms;
  private final List<PodSpec> pending;

  private NodeCapacity(List<NodeRoom> rooms, List<PodSpec> pending) {
    this.rooms = rooms;
    this.pending = pending;
  }

  public static NodeCapacity read(KubernetesClient client) {
    List<Node> nodes = client.nodes().list().getItems().stream()
        .filter(node -> node.getSpec() == null || !Boolean.TRUE.equals(node.getSpec().getUnschedulable()))
        .filter(Readiness::isNodeReady)
        .toList();
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems().stream()
        .filter(pod -> pod.getSpec() != null)
        .filter(pod -> !terminated(pod))
        .toList();
    Map<String, CpuMemory> requested = new HashMap<>();
    List<PodSpec> pending = new ArrayList<>();
    for (Pod pod : pods) {
      String node = pod.getSpec().getNodeName();
      if (node == null || node.isEmpty()) {
        pending.add(pod.getSpec());
      } else {
        requested.merge(node, requestsOf(pod.getSpec()), CpuMemory::plus);
      }
    }
    List<NodeRoom> rooms = nodes.stream().map(node -> {
      String name = node.getMetadata().getName();
      CpuMemory allocatable = CpuMemory.of(node.getStatus() == null ? null : node.getStatus().getAllocatable());
      return new NodeRoom(name, node.getMetadata().getLabels(), node.getSpec() == null ? null : node.getSpec().getTaints(),
          allocatable.minus(requested.getOrDefault(name, CpuMemory.ZERO)));
    }).toList();
    return new NodeCapacity(rooms, List.copyOf(pending));
  }

  /** Whether a pod has finished (Succeeded, Failed): it holds no requests any more. */
  static boolean terminated(Pod pod) {
    return pod.getStatus() != null && TERMINATED.contains(pod.getStatus().getPhase());
  }

  /** The Ready, schedulable nodes, in the API server's order. */
  public List<NodeRoom> rooms() {
    return rooms;
  }

  /** The pod specs of the pods not yet bound to a node (and not terminated). */
  public List<PodSpec> pending() {
    return pending;
  }

  /** What all the rooms hold together, before pending pods take theirs (an overcommitted node counts as none). */
  public CpuMemory free() {
    return rooms.stream().map(room -> room.free().positive()).reduce(CpuMemory.ZERO, CpuMemory::plus);
  }

  /**
   * Places the pending pods first-fit decreasing (the largest first, as they are the hardest to place) on the
   * nodes that admit them; a pending pod that fits nowhere takes nothing.
   */
  Placement placingPending() {
    Placement placement = new Placement(rooms);
    pending.stream()
        .sorted(Comparator.comparing((PodSpec spec) -> requestsOf(spec).cpu())
            .thenComparing(spec -> requestsOf(spec).memoryBytes()).reversed())
        .forEach(spec -> placement.place(spec, requestsOf(spec)));
    return placement;
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
