package io.hal9.migrate.tools.scale;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.hal9.migrate.support.Cli;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The capacity check places pods node by node, as the scheduler would: room split over nodes, nodes the pod
 * template may not use, and pods already waiting for room do not count. Node n1 holds the server's 10 pods of
 * 1.5 CPU / 3Gi with nothing left; the room for more is elsewhere, set per test.
 */
@EnableKubernetesMockClient(crud = true)
class ScalePlacementTest {
  private static final String CONTROL_PLANE = "node-role.kubernetes.io/control-plane";

  KubernetesClient client;
  @TempDir Path dir;
  private Cluster cluster;
  private Path kubeconfig;

  @BeforeEach
  void hal9ServerOnAFullNode() {
    cluster = Cluster.hal9Server(client).node("n1", "15", "30Gi");
    kubeconfig = cluster.kubeconfig(dir);
  }

  @AfterEach
  void stopController() {
    cluster.close();
  }

  @Test
  void roomSplitOverNodesTooSmallForOnePodIsRefused() {
    cluster.node("n2", "1", "8Gi").node("n3", "1", "8Gi").node("n4", "1", "8Gi").node("n5", "1", "8Gi");
    String version = cluster.deployment().getMetadata().getResourceVersion();

    Cli.Result result = scale("replicas", "hal9-server", "12");

    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    assertThat(result.errors()).containsExactly("node capacity short for 2 more replicas of hal9/hal9-server: 0 of 2 fit "
        + "(each needs 1.5 CPU / 3Gi; largest free on one node 1 CPU / 8Gi; free in all 4 CPU / 32Gi); nothing was changed");
    assertThat(cluster.replicas()).isEqualTo(10);
    assertThat(cluster.deployment().getMetadata().getResourceVersion()).isEqualTo(version);

    JsonNode capacity = scale("replicas", "hal9-server", "12", "--json").json().at("/error");
    assertThat(capacity.get("code").asText()).isEqualTo("CAPACITY_SHORT");
    assertThat(capacity.get("details").toString()).contains("0 of 2 fit");
  }

  @Test
  void theSameRoomOnOneNodeIsEnough() {
    cluster.node("n2", "4", "32Gi").rollOut();

    Cli.Result result = scale("replicas", "hal9-server", "12", "--json");

    assertThat(result.exit()).as(result.toString()).isZero();
    JsonNode capacity = result.json().get("capacity");
    assertThat(capacity.get("fits").asInt()).isEqualTo(2);
    assertThat(capacity.get("added").asInt()).isEqualTo(2);
    assertThat(capacity.get("enough").asBoolean()).isTrue();
    assertThat(capacity.get("freeCpu").decimalValue()).isEqualByComparingTo("4");
    assertThat(cluster.replicas()).isEqualTo(12);
  }

  @Test
  void aTaintedNodeTheTemplateDoesNotTolerateHasNoRoomForIt() {
    cluster.node("n2", "4", "32Gi").taint("n2", CONTROL_PLANE, "", "NoSchedule");
    String version = cluster.deployment().getMetadata().getResourceVersion();

    Cli.Result result = scale("replicas", "hal9-server", "12");

    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    assertThat(result.errors()).containsExactly("node capacity short for 2 more replicas of hal9/hal9-server: 0 of 2 fit "
        + "(each needs 1.5 CPU / 3Gi; largest free on one node 0 CPU / 0B; free in all 0 CPU / 0B); nothing was changed");
    assertThat(cluster.deployment().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void aTaintTheTemplateToleratesLeavesTheRoom() {
    cluster.node("n2", "4", "32Gi").taint("n2", CONTROL_PLANE, "", "NoSchedule")
        .template(spec -> spec.setTolerations(List.of(new TolerationBuilder()
            .withKey(CONTROL_PLANE).withOperator("Exists").withEffect("NoSchedule").build())))
        .rollOut();

    Cli.Result result = scale("replicas", "hal9-server", "12");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out()).contains("Node capacity: need 3 CPU / 6Gi, free 4 CPU / 32Gi, 2 of 2 fit.");
    assertThat(cluster.replicas()).isEqualTo(12);
  }

  @Test
  void aNodeSelectorTheNodeDoesNotMatchLeavesItsRoomOut() {
    cluster.node("n2", "4", "32Gi").label("n2", "pool", "batch")
        .template(spec -> spec.setNodeSelector(Map.of("pool", "hal9")));
    String version = cluster.deployment().getMetadata().getResourceVersion();

    Cli.Result result = scale("replicas", "hal9-server", "12");

    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    assertThat(result.errors()).singleElement().asString().contains(": 0 of 2 fit (");
    assertThat(cluster.deployment().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void aNodeSelectorTheNodeMatchesCountsItsRoom() {
    cluster.node("n2", "4", "32Gi").label("n2", "pool", "hal9")
        .template(spec -> spec.setNodeSelector(Map.of("pool", "hal9")))
        .rollOut();

    Cli.Result result = scale("replicas", "hal9-server", "12");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(cluster.replicas()).isEqualTo(12);
  }

  @Test
  void aPendingPodTakesTheRoomFirst() {
    cluster.node("n2", "3", "16Gi") // room for exactly 2 more
        .pod("batch", "report", null, "2", "1Gi", "Pending");
    String version = cluster.deployment().getMetadata().getResourceVersion();

    Cli.Result result = scale("replicas", "hal9-server", "12");

    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    assertThat(result.errors()).containsExactly("node capacity short for 2 more replicas of hal9/hal9-server: 0 of 2 fit "
        + "(each needs 1.5 CPU / 3Gi; largest free on one node 1 CPU / 15Gi; free in all 1 CPU / 15Gi); nothing was changed");
    assertThat(cluster.deployment().getMetadata().getResourceVersion()).isEqualTo(version);

    // Once it has gone, the room is there.
    client.pods().inNamespace("batch").withName("report").delete();
    cluster.rollOut();
    Cli.Result again = scale("replicas", "hal9-server", "12");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(cluster.replicas()).isEqualTo(12);
  }

  @Test
  void largerRequestsMustFitWhereEachReplicaRuns() {
    cluster.node("n2", "64", "256Gi"); // room, but not where the replicas run
    String version = cluster.deployment().getMetadata().getResourceVersion();

    Cli.Result result = scale("resources", "hal9-server", "--requests-cpu", "2");

    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    assertThat(result.errors()).containsExactly("node capacity short for 10 replicas of hal9/hal9-server at 2 CPU / 3Gi each: "
        + "0 of 10 fit (each needs 0.5 CPU / 0B more on its node; largest free on one node 64 CPU / 256Gi; "
        + "free in all 64 CPU / 256Gi); nothing was changed");
    assertThat(cluster.deployment().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  private Cli.Result scale(String... args) {
    List<String> line = new java.util.ArrayList<>(List.of("scale"));
    line.addAll(List.of(args));
    line.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    return new Cli(null, null).raw(line.toArray(String[]::new));
  }
}
