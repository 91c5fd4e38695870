package io.hal9.migrate.tools.scale;

import static io.hal9.migrate.tools.scale.Cluster.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.hal9.migrate.support.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hal9-migrate scale ...} against fabric8's CRUD mock server. The HAL9 server runs 10 pods of 1.5 CPU /
 * 3Gi on node n1; what else the nodes hold is set per test.
 */
@EnableKubernetesMockClient(crud = true)
class ScaleCommandTest {
  private static final long GI = 1L << 30;

  KubernetesClient client;
  @TempDir Path dir;
  private Cluster cluster;
  private Path kubeconfig;

  @BeforeEach
  void hal9Server() {
    cluster = Cluster.hal9Server(client);
    kubeconfig = cluster.kubeconfig(dir);
  }

  @AfterEach
  void stopController() {
    cluster.close();
  }

  /** n1 holds the server's 15 CPU / 30Gi, a system pod's 0.5 CPU / 1Gi, and has 4.5 CPU / 9Gi free. */
  private void tightCluster() {
    cluster.node("n1", "20", "40Gi")
        .pod("kube-system", "dns", "n1", "500m", "1Gi", "Running")
        // None of these may count: a finished pod's requests, a NotReady node, a cordoned node.
        .pod(NAMESPACE, "migration-job", "n1", "4", "8Gi", "Succeeded")
        .node("n2-not-ready", "100", "400Gi", false, false)
        .node("n3-cordoned", "100", "400Gi", true, true);
  }

  @Test
  void replicasAreSetAndTheRolloutAwaited() {
    cluster.node("n1", "64", "256Gi").rollOut();

    Cli.Result result = scale("replicas", "hal9-server", "12", "--json");

    assertThat(result.exit()).as(result.toString()).isZero();
    JsonNode json = result.json();
    assertThat(json.get("command").asText()).isEqualTo("scale replicas");
    assertThat(json.get("namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(json.get("deployment").asText()).isEqualTo("hal9-server");
    assertThat(changes(json)).containsExactly("replicas:10->12");
    assertThat(json.get("dryRun").asBoolean()).isFalse();
    assertThat(json.at("/ready/readyReplicas").asInt()).isEqualTo(12);
    assertThat(json.at("/capacity/needCpu").decimalValue()).isEqualByComparingTo("3");
    assertThat(json.at("/capacity/needMemoryBytes").asLong()).isEqualTo(6 * GI);
    assertThat(cluster.replicas()).isEqualTo(12);
    assertThat(cluster.deployment().getStatus().getReadyReplicas()).isEqualTo(12);
  }

  @Test
  void sameReplicasChangeNothingAndNeedNoCapacity() {
    cluster.node("n1", "1", "1Gi"); // far too small: a check would refuse
    String version = cluster.deployment().getMetadata().getResourceVersion();

    Cli.Result result = scale("replicas", "hal9-server", "10");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.out()).contains("No change: deployment hal9/hal9-server already has those values.");
    assertThat(cluster.deployment().getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  void scaleUpBeyondNodeCapacityIsRefusedWithTheShortfallAndChangesNothing() {
    tightCluster();
    String version = cluster.deployment().getMetadata().getResourceVersion();

    Cli.Result result = scale("replicas", "hal9-server", "20");

    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    assertThat(result.errors()).containsExactly("node capacity short for 10 more replicas of hal9/hal9-server: 3 of 10 fit "
        + "(each needs 1.5 CPU / 3Gi; largest free on one node 4.5 CPU / 9Gi; free in all 4.5 CPU / 9Gi); nothing was changed");
    assertThat(cluster.replicas()).isEqualTo(10);
    assertThat(cluster.deployment().getMetadata().getResourceVersion()).isEqualTo(version);

    JsonNode json = scale("replicas", "hal9-server", "20", "--json").json();
    assertThat(json.at("/error/code").asText()).isEqualTo("CAPACITY_SHORT");
    assertThat(json.at("/error/exitCode").asInt()).isEqualTo(5);
    assertThat(json.at("/error/details").toString()).contains("3 of 10 fit", "need 15 CPU / 30Gi");
  }

  @Test
  void scaleUpWithinNodeCapacityProceeds() {
    tightCluster();
    cluster.node("n4", "16", "32Gi").rollOut(); // free now 20.5 CPU / 41Gi

    Cli.Result result = scale("replicas", "hal9-server", "20", "--json");

    assertThat(result.exit()).as(result.toString()).isZero();
    JsonNode capacity = result.json().get("capacity");
    assertThat(capacity.get("needCpu").decimalValue()).isEqualByComparingTo("15");
    assertThat(capacity.get("needMemoryBytes").asLong()).isEqualTo(30 * GI);
    assertThat(capacity.get("freeCpu").decimalValue()).isEqualByComparingTo("20.5");
    assertThat(capacity.get("freeMemoryBytes").asLong()).isEqualTo(41 * GI);
    assertThat(capacity.get("fits").asInt()).isEqualTo(10);
    assertThat(capacity.get("added").asInt()).isEqualTo(10);
    assertThat(cluster.replicas()).isEqualTo(20);
  }

  @Test
  void scaleDownNeedsNoCapacity() {
    cluster.node("n1", "1", "1Gi").rollOut();

    Cli.Result result = scale("replicas", "hal9-server", "4", "--json");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.json().get("capacity").isNull()).isTrue();
    assertThat(cluster.replicas()).isEqualTo(4);
  }

  @Test
  void emergencyDoublesReplicasAndRaisesAnAutoscalerMaxBelowThem() {
    cluster.node("n1", "64", "256Gi").rollOut();

    Cli.Result result = scale("emergency", "hal9-server", "--json");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(result.json().get("hpa").asText()).isEqualTo("hal9-server"); // found through its scaleTargetRef
    assertThat(changes(result.json())).containsExactly("replicas:10->20", "hpa.minReplicas:10->20", "hpa.maxReplicas:15->20");
    assertThat(cluster.replicas()).isEqualTo(20);
    assertThat(cluster.hpa().getSpec().getMaxReplicas()).isEqualTo(20);
    assertThat(cluster.hpa().getSpec().getMinReplicas()).isEqualTo(20);
  }

  @Test
  void emergencyLeavesAnAutoscalerMaxThatAlreadyHoldsTheDoubling() {
    cluster.node("n1", "64", "256Gi").rollOut();
    client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(NAMESPACE).withName("hal9-server")
        .edit(hpa -> { hpa.getSpec().setMaxReplicas(50); return hpa; });

    Cli.Result result = scale("emergency", "hal9-server", "--hpa", "hal9-server", "--json");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(changes(result.json())).containsExactly("replicas:10->20", "hpa.minReplicas:10->20");
    assertThat(cluster.hpa().getSpec().getMaxReplicas()).isEqualTo(50);
  }

  @Test
  void emergencyStopsAtTheCeiling() {
    cluster.node("n1", "64", "256Gi").rollOut();

    Cli.Result result = scale("emergency", "hal9-server", "--ceiling", "16", "--json");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(changes(result.json())).containsExactly("replicas:10->16", "hpa.minReplicas:10->16", "hpa.maxReplicas:15->16");
    assertThat(cluster.replicas()).isEqualTo(16);

    // Already at the ceiling: nothing more, and nothing lowered.
    Cli.Result again = scale("emergency", "hal9-server", "--ceiling", "16", "--json");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(changes(again.json())).isEmpty();
    assertThat(cluster.replicas()).isEqualTo(16);
  }

  @Test
  void emergencyIsCapacityCheckedToo() {
    tightCluster();

    Cli.Result result = scale("emergency", "hal9-server");

    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    assertThat(result.errors()).singleElement().asString().startsWith("node capacity short for 10 more replicas of hal9/hal9-server");
    assertThat(cluster.replicas()).isEqualTo(10);
    assertThat(cluster.hpa().getSpec().getMaxReplicas()).isEqualTo(15);
  }

  @Test
  void dryRunPrintsTheDiffAndChangesNothing() {
    cluster.node("n1", "64", "256Gi");
    String deploymentVersion = cluster.deployment().getMetadata().getResourceVersion();
    String hpaVersion = cluster.hpa().getMetadata().getResourceVersion();

    Cli.Result text = scale("emergency", "hal9-server", "--dry-run");
    Cli.Result json = scale("emergency", "hal9-server", "--dry-run", "--json");

    assertThat(text.exit()).as(text.toString()).isZero();
    assertThat(text.out()).contains("Dry run, would change deployment hal9/hal9-server:", "  replicas: 10 -> 20",
        "  hpa.maxReplicas: 15 -> 20", "Node capacity: need 15 CPU / 30Gi, free 49 CPU / 226Gi, 10 of 10 fit.");
    assertThat(json.json().get("dryRun").asBoolean()).isTrue();
    assertThat(changes(json.json())).containsExactly("replicas:10->20", "hpa.minReplicas:10->20", "hpa.maxReplicas:15->20");
    assertThat(cluster.deployment().getMetadata().getResourceVersion()).isEqualTo(deploymentVersion);
    assertThat(cluster.hpa().getMetadata().getResourceVersion()).isEqualTo(hpaVersion);
  }

  @Test
  void dryRunOfAScaleUpTheNodesCannotHoldFails() {
    tightCluster();

    Cli.Result result = scale("replicas", "hal9-server", "20", "--dry-run");

    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    assertThat(result.out()).contains("replicas: 10 -> 20");
    assertThat(result.errors()).singleElement().asString().startsWith("node capacity short");
    assertThat(cluster.replicas()).isEqualTo(10);
  }

  @Test
  void requestsAndLimitsAreSet() {
    cluster.node("n1", "64", "256Gi").rollOut();

    Cli.Result result = scale("resources", "hal9-server", "--requests-memory", "4Gi", "--requests-cpu", "2",
        "--limits-memory", "6Gi", "--limits-cpu", "3", "--json");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(changes(result.json())).containsExactly("requests.cpu:1.5->2", "requests.memory:3Gi->4Gi",
        "limits.cpu:null->3", "limits.memory:null->6Gi");
    assertThat(result.json().get("container").asText()).isEqualTo("server");
    // 10 pods, each 0.5 CPU / 1Gi more.
    assertThat(result.json().at("/capacity/needCpu").decimalValue()).isEqualByComparingTo("5");
    assertThat(result.json().at("/capacity/needMemoryBytes").asLong()).isEqualTo(10 * GI);
    assertThat(cluster.resources("requests")).isEqualTo(Map.of("cpu", "2", "memory", "4Gi"));
    assertThat(cluster.resources("limits")).isEqualTo(Map.of("cpu", "3", "memory", "6Gi"));
  }

  @Test
  void standardResourcesAreHal9sNumbers() {
    cluster.node("n1", "64", "256Gi").rollOut();

    Cli.Result result = scale("resources", "hal9-server", "--standard", "--requests-cpu", "1500m");

    assertThat(result.exit()).as(result.toString()).isZero();
    // 1500m is the 1.5 already there: no change. The rest is the standard.
    assertThat(cluster.resources("requests")).isEqualTo(Map.of("cpu", "1.5", "memory", "3Gi"));
    assertThat(cluster.resources("limits")).isEqualTo(Map.of("cpu", "3", "memory", "6Gi"));
  }

  @Test
  void requestAboveItsLimitIsRefusedBeforeTouchingTheCluster() {
    Cli.Result result = scale("resources", "hal9-server", "--requests-cpu", "4", "--limits-cpu", "3");

    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    assertThat(result.errors()).containsExactly("cpu request 4 is above its limit 3");
    assertThat(cluster.resources("requests")).isEqualTo(Map.of("cpu", "1.5", "memory", "3Gi"));

    Cli.Result garbage = scale("resources", "hal9-server", "--requests-memory", "lots");
    assertThat(garbage.exit()).as(garbage.toString()).isEqualTo(2);
    assertThat(garbage.errors()).containsExactly("--requests-memory: expected a positive quantity such as 1.5, 500m or 3Gi, got 'lots'");
  }

  @Test
  void autoscalerMinAndMaxAreSet() {
    Cli.Result result = scale("hpa", "hal9-server", "--standard", "--json");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(changes(result.json())).containsExactly("hpa.maxReplicas:15->50");
    assertThat(cluster.hpa().getSpec().getMinReplicas()).isEqualTo(10);
    assertThat(cluster.hpa().getSpec().getMaxReplicas()).isEqualTo(50);

    Cli.Result inverted = scale("hpa", "hal9-server", "--min", "60");
    assertThat(inverted.exit()).as(inverted.toString()).isEqualTo(2);
    assertThat(inverted.errors()).containsExactly("autoscaler hal9/hal9-server: min-replicas 60 above max-replicas 50");
    assertThat(cluster.hpa().getSpec().getMinReplicas()).isEqualTo(10);
  }

  @Test
  void rolloutThatNeverGetsReadyTimesOutWithExit5() {
    cluster.node("n1", "64", "256Gi"); // no controller: the new replicas never become ready

    long started = System.nanoTime();
    Cli.Result result = scale("replicas", "hal9-server", "12", "--timeout", "1");

    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    assertThat(result.errors()).containsExactly(
        "deployment hal9/hal9-server not ready after 1s: 10/12 ready, 10/12 updated (the change stays applied)");
    assertThat(System.nanoTime() - started).isLessThan(20_000_000_000L);
    assertThat(scale("replicas", "hal9-server", "13", "--timeout", "1", "--json").json().at("/error/code").asText())
        .isEqualTo("ROLLOUT_TIMEOUT");
  }

  @Test
  void missingDeploymentOrAutoscalerIsBadInput() {
    cluster.node("n1", "64", "256Gi");

    Cli.Result deployment = scale("replicas", "nope", "3");
    assertThat(deployment.exit()).as(deployment.toString()).isEqualTo(2);
    assertThat(deployment.errors()).containsExactly("deployment hal9/nope not found on " + client.getConfiguration().getMasterUrl());

    Cli.Result hpa = scale("hpa", "nope", "--max", "3", "--json");
    assertThat(hpa.exit()).as(hpa.toString()).isEqualTo(2);
    assertThat(hpa.json().at("/error/code").asText()).isEqualTo("K8S_NOT_FOUND");

    Cli.Result otherNamespace = scale("replicas", "hal9-server", "3", "-n", "elsewhere");
    assertThat(otherNamespace.errors()).singleElement().asString().startsWith("deployment elsewhere/hal9-server not found");
  }

  @Test
  void unreachableClusterIsBadInputNamingTheServer() throws Exception {
    Path dead = dir.resolve("dead-kubeconfig");
    Files.writeString(dead, Files.readString(kubeconfig).replace(client.getConfiguration().getMasterUrl(), "https://127.0.0.1:1/"));

    long started = System.nanoTime();
    Cli.Result result = new Cli(null, null).raw("scale", "replicas", "hal9-server", "3", "--kubeconfig", dead.toString(), "--json");

    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    assertThat(result.json().at("/error/code").asText()).isEqualTo("K8S_UNREACHABLE");
    assertThat(result.json().at("/error/message").asText())
        .startsWith("reading deployment hal9/hal9-server: cannot reach the Kubernetes API at https://127.0.0.1:1/");
    assertThat(System.nanoTime() - started).as("no long retry loop").isLessThan(10_000_000_000L);
    assertNoToken(result);
  }

  @Test
  void kubeconfigComesFromTheEnvironmentToo() {
    cluster.node("n1", "64", "256Gi").rollOut();

    Cli.Result result = new Cli(null, null).env("KUBECONFIG", kubeconfig.toString()).raw("scale", "replicas", "hal9-server", "11");

    assertThat(result.exit()).as(result.toString()).isZero();
    assertThat(cluster.replicas()).isEqualTo(11);

    Cli.Result missing = new Cli(null, null).raw("scale", "replicas", "hal9-server", "11", "--kubeconfig", dir.resolve("none").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.errors()).containsExactly("kubeconfig not found: " + dir.resolve("none"));
  }

  @Test
  void scaleWithoutSubcommandIsAUsageError() {
    Cli.Result result = new Cli(null, null).raw("scale");

    assertThat(result.exit()).isEqualTo(2);
    assertThat(result.errors()).containsExactly("missing subcommand: replicas, hpa, resources or emergency");
  }

  /** {@code hal9-migrate scale ARGS --kubeconfig K}, with the token checked to stay out of the output. */
  private Cli.Result scale(String... args) {
    List<String> line = new ArrayList<>(List.of("scale"));
    line.addAll(List.of(args));
    line.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    Cli.Result result = new Cli(null, null).raw(line.toArray(String[]::new));
    assertNoToken(result);
    return result;
  }

  private static void assertNoToken(Cli.Result result) {
    assertThat(result.out() + result.err()).doesNotContain(Cluster.TOKEN);
  }

  /** Each change as {@code field:before->after}. */
  static List<String> changes(JsonNode json) {
    List<String> changes = new ArrayList<>();
    json.get("changes").forEach(c -> changes.add(c.get("field").asText() + ":" + text(c.get("before")) + "->" + text(c.get("after"))));
    return changes;
  }

  private static String text(JsonNode value) {
    return value == null || value.isNull() ? "null" : value.asText();
  }
}
