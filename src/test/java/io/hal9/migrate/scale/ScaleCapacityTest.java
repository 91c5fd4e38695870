package io.hal9.migrate.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.hal9.migrate.tools.scale.CpuMemory;
import io.hal9.migrate.tools.scale.NodeCapacity;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How much a pod requests and how much the nodes still hold, as the scheduler counts them. */
@EnableKubernetesMockClient(crud = true)
class ScaleCapacityTest {
  private static final long GI = 1L << 30;

  KubernetesClient client;

  @Test
  void podRequestsSumContainersUnlessAnInitContainerNeedsMoreAndAddOverhead() {
    PodSpec spec = new PodSpecBuilder()
        .addToContainers(container("a", Map.of("cpu", "500m", "memory", "1Gi"), Map.of()))
        .addToContainers(container("b", Map.of("cpu", "1"), Map.of("cpu", "2", "memory", "2Gi")))
        .addToInitContainers(container("migrate", Map.of("cpu", "3", "memory", "512Mi"), Map.of()))
        .withOverhead(Map.of("cpu", new Quantity("100m")))
        .build();

    // cpu: max(0.5 + 1, 3) + 0.1; memory: max(1Gi + 2Gi (b's limit, as the API server defaults it), 512Mi).
    CpuMemory requests = NodeCapacity.requestsOf(spec);
    assertThat(requests.cpu()).isEqualByComparingTo("3.1");
    assertThat(requests.memoryBytes()).isEqualByComparingTo(BigDecimal.valueOf(3 * GI));
  }

  @Test
  void freeCapacityCountsPodsOfEveryNamespaceOnCountedNodesOnly() {
    new Cluster(client)
        .node("n1", "8", "32Gi")
        .node("n2", "4", "16Gi")
        .node("down", "64", "256Gi", false, false)
        .pod("hal9", "a", "n1", "2", "4Gi", "Running")
        .pod("kube-system", "b", "n2", "1", "1Gi", "Pending")   // bound, starting: holds its requests
        .pod("hal9", "c", "n1", "3", "3Gi", "Failed")           // terminated: holds nothing
        .pod("hal9", "d", "down", "8", "8Gi", "Running");       // on a node that is not counted

    CpuMemory free = NodeCapacity.free(client);

    assertThat(free.cpu()).isEqualByComparingTo("9");
    assertThat(free.memoryBytes()).isEqualByComparingTo(BigDecimal.valueOf(43 * GI));
    assertThat(free.toString()).isEqualTo("9 CPU / 43Gi");
  }

  private static io.fabric8.kubernetes.api.model.Container container(String name, Map<String, String> requests,
      Map<String, String> limits) {
    return new ContainerBuilder().withName(name).withImage("x")
        .withNewResources().withRequests(quantities(requests)).withLimits(quantities(limits)).endResources()
        .build();
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    Map<String, Quantity> quantities = new java.util.HashMap<>();
    values.forEach((k, v) -> quantities.put(k, new Quantity(v)));
    return quantities;
  }
}
