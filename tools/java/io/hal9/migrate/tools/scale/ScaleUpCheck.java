package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/** The node capacity check of a deployment that grows: what it adds, placed on the nodes pod by pod. */
final class ScaleUpCheck {
  private final KubernetesClient client;

  ScaleUpCheck(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Whether the nodes hold what going from {@code before} to {@code after} replicas (and from {@code specBefore}
   * to {@code specAfter}) adds: the pending pods take their room first, then each running replica grows by the
   * increase on its own node, then the new replicas go first-fit. Null when nothing grows.
   */
  Capacity capacity(String namespace, Deployment deployment, PodSpec specBefore, PodSpec specAfter, int before,
      int after) {
    CpuMemory perPodBefore = NodeCapacity.requestsOf(specBefore);
    CpuMemory perPodAfter = NodeCapacity.requestsOf(specAfter);
    CpuMemory growth = perPodAfter.minus(perPodBefore).positive();
    int newPods = Math.max(0, after - before);
    // With fewer replicas it is not known which stay: any of them may, so as many as stay are taken to grow.
    List<String> growing = growth.isZero() ? List.of() : runningOn(namespace, deployment).stream().limit(after).toList();
    CpuMemory need = perPodAfter.times(newPods).plus(growth.times(growing.size()));
    if (need.isZero()) {
      return null;
    }
    Placement placement;
    try {
      placement = NodeCapacity.read(client).placingPending();
    } catch (KubernetesClientException e) {
      throw KubernetesClients.failure(client, "reading node capacity", e);
    }
    CpuMemory free = placement.freeFor(specAfter);
    CpuMemory largest = placement.largestFor(specAfter);
    int fits = 0;
    for (String node : growing) {
      // A replica on a node that is no longer counted (cordoned, not Ready) comes back elsewhere, at its full size.
      boolean placed = placement.hasNode(node) ? placement.placeOn(node, growth) : placement.place(specAfter, perPodAfter);
      fits += placed ? 1 : 0;
    }
    for (int i = 0; i < newPods; i++) {
      fits += placement.place(specAfter, perPodAfter) ? 1 : 0;
    }
    return new Capacity(what(namespace, deployment, before, after, perPodBefore, perPodAfter), need, free, largest,
        newPods, perPodAfter, growing.size(), growth, fits);
  }

  /** The nodes the deployment's pods are bound to, one entry per running (not terminated) pod. */
  private List<String> runningOn(String namespace, Deployment deployment) {
    if (deployment.getSpec().getSelector() == null) {
      return List.of();
    }
    try {
      return client.pods().inNamespace(namespace).withLabelSelector(deployment.getSpec().getSelector()).list().getItems().stream()
          .filter(pod -> pod.getSpec() != null && pod.getSpec().getNodeName() != null && !NodeCapacity.terminated(pod))
          .map(pod -> pod.getSpec().getNodeName())
          .toList();
    } catch (KubernetesClientException e) {
      throw KubernetesClients.failure(client, "reading the pods of deployment " + namespace + "/"
          + deployment.getMetadata().getName(), e);
    }
  }

  /** {@code 10 more replicas of hal9/hal9-server}, and the new per-pod requests when those change too. */
  private static String what(String namespace, Deployment deployment, int before, int after, CpuMemory perPodBefore,
      CpuMemory perPodAfter) {
    String where = namespace + "/" + deployment.getMetadata().getName();
    String what = after > before ? (after - before) + " more replicas of " + where : after + " replicas of " + where;
    return perPodAfter.minus(perPodBefore).isZero() ? what : what + " at " + perPodAfter + " each";
  }
}
