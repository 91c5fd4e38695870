package io.hal9.migrate.tools.scale;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How much a pod requests, how much each node still holds, and which nodes a pod may go to, as the scheduler counts them. */
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

    NodeCapacity nodes = NodeCapacity.read(client);
    CpuMemory free = nodes.free();

    assertThat(free.cpu()).isEqualByComparingTo("9");
    assertThat(free.memoryBytes()).isEqualByComparingTo(BigDecimal.valueOf(43 * GI));
    assertThat(free.toString()).isEqualTo("9 CPU / 43Gi");
    assertThat(nodes.rooms()).extracting(room -> room.name() + " " + room.free()).containsExactly("n1 6 CPU / 28Gi",
        "n2 3 CPU / 15Gi");
    assertThat(nodes.pending()).isEmpty();
  }

  @Test
  void onlyNoScheduleAndNoExecuteTaintsKeepAPodOffAndEachNeedsAMatchingToleration() {
    Taint controlPlane = taint("node-role.kubernetes.io/control-plane", null, "NoSchedule");
    Taint gpu = taint("gpu", "a100", "NoExecute");
    Taint preferred = taint("spot", "true", "PreferNoSchedule");

    assertThat(Tolerations.tolerateAll(null, List.of(preferred))).as("a preference only").isTrue();
    assertThat(Tolerations.tolerateAll(null, List.of(controlPlane))).isFalse();
    assertThat(Tolerations.tolerateAll(List.of(toleration("node-role.kubernetes.io/control-plane", "Exists", null, "NoSchedule")),
        List.of(controlPlane, gpu))).as("gpu not tolerated").isFalse();
    assertThat(Tolerations.tolerateAll(List.of(toleration(null, "Exists", null, null)), List.of(controlPlane, gpu)))
        .as("empty key with Exists tolerates everything").isTrue();
  }

  @Test
  void aTolerationMatchesKeyValueAndEffectByItsOperator() {
    Taint gpu = taint("gpu", "a100", "NoExecute");

    assertThat(Tolerations.tolerates(toleration("gpu", "Equal", "a100", "NoExecute"), gpu)).isTrue();
    assertThat(Tolerations.tolerates(toleration("gpu", null, "a100", null), gpu)).as("Equal by default, any effect").isTrue();
    assertThat(Tolerations.tolerates(toleration("gpu", "Equal", "h100", "NoExecute"), gpu)).as("other value").isFalse();
    assertThat(Tolerations.tolerates(toleration("gpu", "Exists", null, "NoExecute"), gpu)).as("any value").isTrue();
    assertThat(Tolerations.tolerates(toleration("gpu", "Exists", null, "NoSchedule"), gpu)).as("other effect").isFalse();
    assertThat(Tolerations.tolerates(toleration("tpu", "Exists", null, null), gpu)).as("other key").isFalse();
  }

  private static Taint taint(String key, String value, String effect) {
    return new TaintBuilder().withKey(key).withValue(value).withEffect(effect).build();
  }

  private static Toleration toleration(String key, String operator, String value, String effect) {
    return new TolerationBuilder().withKey(key).withOperator(operator).withValue(value).withEffect(effect).build();
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
