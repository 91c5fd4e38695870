package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A HAL9 cluster on fabric8's CRUD mock server: nodes, pods, the deployment and its autoscaler. Nothing reconciles
 * in CRUD mode, so {@link #rollOut()} plays the deployment controller: it marks each deployment's replicas updated
 * and ready shortly after its spec changes.
 */
final class Cluster implements AutoCloseable {
  static final String NAMESPACE = "hal9";
  static final String DEPLOYMENT = "hal9-server";
  static final String HPA = "hal9-server";
  static final String TOKEN = "s3cr3t-mock-token-4711";

  private final KubernetesClient client;
  private ScheduledExecutorService controller;

  Cluster(KubernetesClient client) {
    this.client = client;
  }

  /**
   * HAL9's server as the scale tests start from: deployment {@value #DEPLOYMENT} with 10 replicas of 1.5 CPU /
   * 3Gi, its autoscaler at 10..15, and its 10 running pods (labelled as the deployment selects them) on node n1
   * (created by each test, with its capacity).
   */
  static Cluster hal9Server(KubernetesClient client) {
    Cluster cluster = new Cluster(client).deployment(10, "1.5", "3Gi").hpa(10, 15);
    for (int i = 0; i < 10; i++) {
      cluster.pod(NAMESPACE, "hal9-server-" + i, "n1", "1.5", "3Gi", "Running", Map.of("app", DEPLOYMENT));
    }
    return cluster;
  }

  /** A Ready, schedulable node with that much allocatable CPU and memory. */
  Cluster node(String name, String cpu, String memory) {
    return node(name, cpu, memory, true, false);
  }

  Cluster node(String name, String cpu, String memory, boolean ready, boolean unschedulable) {
    client.nodes().resource(new NodeBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec().withUnschedulable(unschedulable).endSpec()
        .withNewStatus()
        .withAllocatable(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
        .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .endStatus()
        .build()).create();
    return this;
  }

  /** Taints a node: {@code effect} NoSchedule, NoExecute or PreferNoSchedule. */
  Cluster taint(String node, String key, String value, String effect) {
    client.nodes().withName(node).edit(edited -> new NodeBuilder(edited).editSpec()
        .addToTaints(new TaintBuilder().withKey(key).withValue(value).withEffect(effect).build())
        .endSpec().build());
    return this;
  }

  Cluster label(String node, String key, String value) {
    client.nodes().withName(node).edit(edited -> new NodeBuilder(edited).editMetadata().addToLabels(key, value).endMetadata().build());
    return this;
  }

  /** Changes the deployment's pod template (tolerations, nodeSelector) as a kubectl edit would. */
  Cluster template(Consumer<PodSpec> change) {
    client.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).edit(edited -> {
      change.accept(edited.getSpec().getTemplate().getSpec());
      return edited;
    });
    return this;
  }

  /** A pod bound to {@code node} (null: waiting for one) requesting that much, in that phase. */
  Cluster pod(String namespace, String name, String node, String cpu, String memory, String phase) {
    return pod(namespace, name, node, cpu, memory, phase, Map.of());
  }

  Cluster pod(String namespace, String name, String node, String cpu, String memory, String phase,
      Map<String, String> labels) {
    client.pods().inNamespace(namespace).resource(new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
        .withNewSpec().withNodeName(node)
        .addToContainers(new ContainerBuilder().withName("main").withImage("busybox")
            .withNewResources().withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory))).endResources()
            .build())
        .endSpec()
        .withNewStatus().withPhase(phase).endStatus()
        .build()).create();
    return this;
  }

  /** The HAL9 server deployment, rolled out, with one container {@code server} requesting that much per pod. */
  Cluster deployment(int replicas, String cpu, String memory) {
    Deployment deployment = new DeploymentBuilder()
        .withNewMetadata().withName(DEPLOYMENT).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(replicas)
        .withNewSelector().addToMatchLabels("app", DEPLOYMENT).endSelector()
        .withNewTemplate()
        .withNewMetadata().addToLabels("app", DEPLOYMENT).endMetadata()
        .withNewSpec()
        .addToContainers(new ContainerBuilder().withName("server").withImage("hal9/server:1")
            .withNewResources()
            .withRequests(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)))
            .endResources()
            .build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus().withReplicas(replicas).withReadyReplicas(replicas).withUpdatedReplicas(replicas)
        .withAvailableReplicas(replicas).endStatus()
        .build();
    client.apps().deployments().inNamespace(NAMESPACE).resource(deployment).create();
    return this;
  }

  Cluster hpa(int min, int max) {
    HorizontalPodAutoscaler hpa = new HorizontalPodAutoscalerBuilder()
        .withNewMetadata().withName(HPA).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withMinReplicas(min).withMaxReplicas(max)
        .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(DEPLOYMENT).endScaleTargetRef()
        .endSpec()
        .build();
    client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NAMESPACE).resource(hpa).create();
    return this;
  }

  /** Plays the deployment controller from now on: status follows spec within about 100 ms. */
  Cluster rollOut() {
    controller = Executors.newSingleThreadScheduledExecutor();
    controller.scheduleWithFixedDelay(() -> {
      try {
        for (Deployment d : client.apps().deployments().inNamespace(NAMESPACE).list().getItems()) {
          int desired = d.getSpec().getReplicas();
          Long observed = d.getStatus() == null ? null : d.getStatus().getObservedGeneration();
          if (observed == null || observed < d.getMetadata().getGeneration()
              || !Integer.valueOf(desired).equals(d.getStatus().getReadyReplicas())) {
            client.apps().deployments().inNamespace(NAMESPACE).withName(d.getMetadata().getName()).editStatus(edited -> {
              edited.getStatus().setReplicas(desired);
              edited.getStatus().setReadyReplicas(desired);
              edited.getStatus().setUpdatedReplicas(desired);
              edited.getStatus().setAvailableReplicas(desired);
              edited.getStatus().setObservedGeneration(edited.getMetadata().getGeneration());
              return edited;
            });
          }
        }
      } catch (RuntimeException e) {
        // a conflict with the command's own patch: next round
      }
    }, 50, 50, TimeUnit.MILLISECONDS);
    return this;
  }

  Deployment deployment() {
    return client.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).get();
  }

  int replicas() {
    return deployment().getSpec().getReplicas();
  }

  HorizontalPodAutoscaler hpa() {
    return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NAMESPACE).withName(HPA).get();
  }

  /** The server container's requests or limits as text, {@code {cpu=1.5, memory=3Gi}}. */
  Map<String, String> resources(String kind) {
    var resources = deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
    Map<String, Quantity> values = kind.equals("requests") ? resources.getRequests() : resources.getLimits();
    return values == null ? Map.of() : new java.util.TreeMap<>(values.entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString())));
  }

  /** A kubeconfig for the mock server, with a bearer token that must never be printed. */
  Path kubeconfig(Path dir) {
    String server = client.getConfiguration().getMasterUrl();
    String yaml = "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: " + server + "\n"
        + "    insecure-skip-tls-verify: true\nusers:\n- name: tester\n  user:\n    token: " + TOKEN + "\n"
        + "contexts:\n- name: mock\n  context:\n    cluster: mock\n    user: tester\n    namespace: " + NAMESPACE + "\n"
        + "current-context: mock\n";
    try {
      Path file = dir.resolve("kubeconfig");
      Files.writeString(file, yaml);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (controller != null) {
      controller.shutdownNow();
    }
  }
}
