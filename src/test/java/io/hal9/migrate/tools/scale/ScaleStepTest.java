package io.hal9.migrate.tools.scale;

import static io.hal9.migrate.tools.scale.Cluster.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code type: scale} in a plan run through the CLI: the values it replaces are in its checkpoint before it
 * changes anything, and {@code rollback} puts them back.
 */
@EnableKubernetesMockClient(crud = true)
class ScaleStepTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  KubernetesClient client;
  @TempDir Path dir;
  private Cluster cluster;
  private Path plans;

  @BeforeEach
  void hal9Server() {
    cluster = Cluster.hal9Server(client);
    plans = dir.resolve("plans");
    Plans.in(plans).file("V1__marker.yaml", "steps:\n  - id: marker\n    type: sql\n    sql: CREATE TABLE marker(id INT)\n");
  }

  @AfterEach
  void stopController() {
    cluster.close();
  }

  @OnBothDatabases
  void scaleStepRecordsThePreviousValuesAndRollbackRestoresThem(TestDatabase db) throws Exception {
    cluster.node("n1", "64", "256Gi").rollOut();
    scalePlan("    replicas: 20\n    hpa: hal9-server\n    min-replicas: 20\n    max-replicas: 40\n"
        + "    requests:\n      cpu: 2\n      memory: 3Gi\n    limits:\n      memory: 6Gi\n");

    Cli.Result run = new Cli(db, plans).run("run");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(cluster.replicas()).isEqualTo(20);
    assertThat(cluster.hpa().getSpec().getMinReplicas()).isEqualTo(20);
    assertThat(cluster.hpa().getSpec().getMaxReplicas()).isEqualTo(40);
    assertThat(cluster.resources("requests")).isEqualTo(Map.of("cpu", "2", "memory", "3Gi"));
    assertThat(cluster.resources("limits")).isEqualTo(Map.of("memory", "6Gi"));

    JsonNode previous = undoRecord(db);
    assertThat(previous.get("namespace").asText()).isEqualTo(NAMESPACE);
    assertThat(previous.get("deployment").asText()).isEqualTo("hal9-server");
    assertThat(previous.get("replicas").asInt()).isEqualTo(10);
    assertThat(previous.get("minReplicas").asInt()).isEqualTo(10);
    assertThat(previous.get("maxReplicas").asInt()).isEqualTo(15);
    assertThat(previous.at("/requests/cpu").asText()).isEqualTo("1.5");
    assertThat(previous.get("requests").has("memory")).as("unchanged, not recorded").isFalse();
    assertThat(previous.get("limits").has("memory")).as("absent before: recorded as null").isTrue();
    assertThat(previous.at("/limits/memory").isNull()).isTrue();

    Cli.Result rollback = new Cli(db, plans).run("rollback", "--to", "1");

    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(cluster.replicas()).isEqualTo(10);
    assertThat(cluster.hpa().getSpec().getMinReplicas()).isEqualTo(10);
    assertThat(cluster.hpa().getSpec().getMaxReplicas()).isEqualTo(15);
    assertThat(cluster.resources("requests")).isEqualTo(Map.of("cpu", "1.5", "memory", "3Gi"));
    assertThat(cluster.resources("limits")).isEmpty();
    assertThat(db.queryString("SELECT state FROM hal9_steps WHERE step_id = 'scale-up'")).isEqualTo("rolled_back");
  }

  @OnBothDatabases
  void refusedScaleStepExits5AndChangesNothing(TestDatabase db) throws Exception {
    cluster.node("n1", "20", "40Gi").rollOut(); // 5 CPU / 10Gi free
    scalePlan("    replicas: 20\n");

    Cli.Result run = new Cli(db, plans).run("run");

    assertThat(run.exit()).as(run.toString()).isEqualTo(5);
    assertThat(run.errors()).singleElement().asString()
        .contains("failed: node capacity short for 10 more replicas of hal9/hal9-server: 3 of 10 fit (each needs 1.5 CPU / 3Gi; "
            + "largest free on one node 5 CPU / 10Gi; free in all 5 CPU / 10Gi)");
    assertThat(cluster.replicas()).isEqualTo(10);
    assertThat(db.queryString("SELECT state FROM hal9_steps WHERE step_id = 'scale-up'")).isEqualTo("failed");
    assertThat(undoRecord(db).get("replicas").asInt()).isEqualTo(10);

    // Rolling back a refused step restores what was there: still 10.
    Cli.Result rollback = new Cli(db, plans).run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(cluster.replicas()).isEqualTo(10);
  }

  @OnBothDatabases
  void emergencyRetriedAfterATimeoutDoublesTheRecordedReplicasNotTheDoubledOnes(TestDatabase db) throws Exception {
    cluster.node("n1", "200", "800Gi"); // no controller yet: the rollout times out
    scalePlan("    emergency: true\n    timeout-seconds: 1\n");

    Cli.Result first = new Cli(db, plans).run("run");
    assertThat(first.exit()).as(first.toString()).isEqualTo(5);
    assertThat(first.errors()).singleElement().asString().contains("deployment hal9/hal9-server not ready after 1s: 10/20 ready");
    assertThat(cluster.replicas()).isEqualTo(20);

    cluster.rollOut();
    Cli.Result second = new Cli(db, plans).run("run");
    assertThat(second.exit()).as(second.toString()).isZero();
    assertThat(cluster.replicas()).isEqualTo(20);
    assertThat(cluster.hpa().getSpec().getMaxReplicas()).isEqualTo(20);
    assertThat(undoRecord(db).get("replicas").asInt()).isEqualTo(10);

    Cli.Result rollback = new Cli(db, plans).run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(cluster.replicas()).isEqualTo(10);
    assertThat(cluster.hpa().getSpec().getMinReplicas()).isEqualTo(10);
    assertThat(cluster.hpa().getSpec().getMaxReplicas()).isEqualTo(15);
  }

  @OnBothDatabases
  void standardStepSetsHal9sNumbers(TestDatabase db) throws Exception {
    cluster.node("n1", "64", "256Gi").rollOut();
    client.apps().deployments().inNamespace(NAMESPACE).withName("hal9-server").edit(d -> {
      d.getSpec().setReplicas(4);
      return d;
    });
    scalePlan("    hpa: hal9-server\n    standard: true\n");

    Cli.Result run = new Cli(db, plans).run("run");

    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(cluster.replicas()).isEqualTo(10);
    assertThat(cluster.hpa().getSpec().getMinReplicas()).isEqualTo(10);
    assertThat(cluster.hpa().getSpec().getMaxReplicas()).isEqualTo(50);
    assertThat(cluster.resources("requests")).isEqualTo(Map.of("cpu", "1.5", "memory", "3Gi"));
    assertThat(cluster.resources("limits")).isEqualTo(Map.of("cpu", "3", "memory", "6Gi"));
  }

  @OnBothDatabases
  void missingDeploymentFailsTheStepWithExit2(TestDatabase db) throws Exception {
    cluster.node("n1", "64", "256Gi");
    Plans.in(plans).file("V2__scale.yaml", "steps:\n  - id: scale-up\n    type: scale\n    deployment: nope\n"
        + "    namespace: hal9\n    replicas: 3\n    kubeconfig: " + cluster.kubeconfig(dir) + "\n");

    Cli.Result run = new Cli(db, plans).run("run");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.errors()).singleElement().asString().contains("deployment hal9/nope not found on ");
    assertThat(run.out() + run.err()).doesNotContain(Cluster.TOKEN);
  }

  @OnBothDatabases
  void badScaleStepsAreRefusedWithFileAndLineBeforeAnythingRuns(TestDatabase db) throws Exception {
    Plans.in(plans).file("V2__bad.yaml", "steps:\n"
        + "  - id: inverted\n    type: scale\n    hpa: hal9-server\n    min-replicas: 60\n    max-replicas: 50\n"
        + "  - id: idle\n    type: scale\n    deployment: hal9-server\n"
        + "  - id: mixed\n    type: scale\n    deployment: hal9-server\n    emergency: true\n    replicas: 3\n"
        + "  - id: quantities\n    type: scale\n    deployment: hal9-server\n    requests:\n      cpu: lots\n      gpu: 1\n"
        + "  - id: above\n    type: scale\n    deployment: hal9-server\n    requests: {cpu: 4}\n    limits: {cpu: 3}\n"
        + "  - id: nowhere\n    type: scale\n    replicas: 3\n"
        + "  - id: ceiling\n    type: scale\n    deployment: hal9-server\n    replicas: 3\n    ceiling: 5\n");

    Cli.Result run = new Cli(db, plans).run("run");

    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    String file = plans.resolve("V2__bad.yaml") + ":";
    assertThat(run.errors()).containsExactlyInAnyOrder(
        file + "5: step 'inverted' key 'min-replicas': min-replicas 60 is above max-replicas 50",
        file + "7: step 'idle' key 'replicas': nothing to change: give replicas, min-replicas/max-replicas, requests, limits, "
            + "standard: true or emergency: true",
        file + "14: step 'mixed' key 'replicas': an emergency doubles the current replicas: drop 'replicas' or 'emergency'",
        file + "18: step 'quantities' key 'requests': cpu: expected a positive quantity such as 1.5, 500m or 3Gi, got \"lots\"",
        file + "18: step 'quantities' key 'requests': unknown resource 'gpu' (known: cpu, memory)",
        file + "24: step 'above' key 'requests': cpu request 4 is above its limit 3",
        file + "26: step 'nowhere' key 'deployment': give 'deployment', 'hpa' or both",
        file + "33: step 'ceiling' key 'ceiling': 'ceiling' caps an emergency only (add emergency: true)");
    assertThat(db.tables()).isEmpty();
  }

  private void scalePlan(String keys) {
    Plans.in(plans).file("V2__scale.yaml", "steps:\n  - id: scale-up\n    type: scale\n    deployment: hal9-server\n"
        + "    namespace: hal9\n" + keys + "    kubeconfig: " + cluster.kubeconfig(dir) + "\n");
  }

  private static JsonNode undoRecord(TestDatabase db) throws Exception {
    return JSON.readTree(db.queryString("SELECT undo_record FROM hal9_steps WHERE step_id = 'scale-up'"));
  }
}
