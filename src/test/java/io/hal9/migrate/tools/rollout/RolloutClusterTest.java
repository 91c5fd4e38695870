package io.hal9.migrate.tools.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rollout phases that publish to a cluster (fabric8's CRUD mock server holding tools/k8s/httproute.yaml): two phases
 * in a row land in the ConfigMap and the HTTPRoute as in the table, a rollback puts both back, flags set by hand
 * publish too, and a cluster that refuses is tried three times, then named, with nothing written to the table.
 */
@EnableKubernetesMockClient(crud = true)
class RolloutClusterTest {
  private static final String TOKEN = "rollout-test-token-4711";
  KubernetesClient client;
  @TempDir Path dir;

  @BeforeEach
  void exampleRoute() throws Exception {
    try (InputStream manifest = Files.newInputStream(Path.of("tools/k8s/httproute.yaml"))) {
      client.resource(client.getKubernetesSerialization().unmarshal(manifest, HTTPRoute.class)).inNamespace("hal9").create();
    }
  }

  @OnBothDatabases
  void twoPhasesInARowArePublishedAsTheTableHoldsThemAndARollbackPutsThemBack(TestDatabase db) throws Exception {
    Path kubeconfig = kubeconfig(client.getConfiguration().getMasterUrl());
    Plans plans = Plans.in(dir.resolve("plans"))
        .file("V1__shadow.yaml", phase("shadow", kubeconfig))
        .file("V2__canary.yaml", phase("canary", kubeconfig));
    Cli cli = new Cli(db, plans.path());
    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();

    assertThat(weights()).isEqualTo("hal9-flat=95,hal9-hierarchical=5");
    assertThat(flagsFile()).contains("\"phase\": \"canary\"", "\"hierarchical_traffic_percent\": 5", "\"hierarchical_routing\"");
    Path cluster = Files.writeString(dir.resolve("cluster.yaml"), "namespace: hal9\nkubeconfig: " + kubeconfig + "\n");
    Cli.Result status = cli.run("rollout", "status", "--cluster", cluster.toString());
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.out()).contains("cluster: canary, hierarchical 5%").contains("(as the table says)").doesNotContain(TOKEN);

    Cli.Result flag = cli.run("flags", "set", "cognitive_layers", "10", "--cluster", cluster.toString());
    assertThat(flag.exit()).as(flag.toString()).isZero();
    assertThat(flagsFile()).contains("\"cognitive_layers\"");
    assertThat(db.queryRows("SELECT percentage FROM hal9_flags WHERE flag_name = 'cognitive_layers'")).containsExactly("10");

    // Ramp-up's health gate fails (no neurons table): the table and the cluster go back to canary, exit 5.
    plans.file("V3__ramp_up.yaml", phase("ramp-up", kubeconfig) + "    max-failed-health-checks: 1\n"
        + "    gates:\n      - {health: {check: neurons}}\n");
    Cli.Result rampUp = cli.run("run");
    assertThat(rampUp.exit()).as(rampUp.toString()).isEqualTo(5);
    assertThat(rampUp.err()).contains("ramp-up: trigger 1 failed health checks in a row");
    assertThat(weights()).isEqualTo("hal9-flat=95,hal9-hierarchical=5");
    assertThat(flagsFile()).contains("\"phase\": \"canary\"");
    assertThat(db.queryRows("SELECT flag_name, percentage FROM hal9_flags WHERE flag_name = 'protocol_layer'"))
        .containsExactly("protocol_layer|0");

    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(weights()).isEqualTo("hal9-flat=100,hal9-hierarchical=0");
    assertThat(flagsFile()).contains("\"phase\": \"shadow\"", "\"mirrored\": true");
    assertThat(db.queryRows("SELECT phase, hierarchical_percent FROM hal9_routing")).containsExactly("shadow|0");
    assertThat(db.queryRows("SELECT subject, new_value FROM hal9_routing_history WHERE subject IN ('phase', 'traffic') ORDER BY change_id"))
        .containsExactly("phase|shadow", "traffic|hierarchical 0%, mirrored", "phase|canary", "traffic|hierarchical 5%",
            "phase|ramp-up", "traffic|hierarchical 75%", "phase|canary", "traffic|hierarchical 5%",
            "phase|shadow", "traffic|hierarchical 0%, mirrored");
  }

  @OnBothDatabases
  void aClusterThatRefusesIsRetriedThenNamedAndTheTableKeepsThePreviousRouting(TestDatabase db) throws Exception {
    KubernetesMockServer refusing = new KubernetesMockServer(false);
    refusing.init();
    try {
      String path = "/api/v1/namespaces/hal9/configmaps/hal9-feature-flags";
      refusing.expect().get().withPath("/apis/gateway.networking.k8s.io/v1/namespaces/hal9/httproutes/hal9")
          .andReturn(200, client.resources(HTTPRoute.class).inNamespace("hal9").withName("hal9").get()).always();
      refusing.expect().get().withPath(path).andReturn(404, new StatusBuilder().withCode(404).build()).always();
      refusing.expect().post().withPath("/api/v1/namespaces/hal9/configmaps").andReturn(403, new StatusBuilder().withCode(403)
          .withReason("Forbidden").withMessage("configmaps is forbidden: User \"system:serviceaccount:hal9:hal9-migrate\" cannot"
              + " create resource \"configmaps\"").build()).always();
      Path plans = Plans.in(dir.resolve("plans")).file("V1__canary.yaml", phase("canary", kubeconfig(refusing.url("/")))).path();

      Cli.Result run = new Cli(db, plans).run("run");
      assertThat(run.exit()).as(run.toString()).isEqualTo(2);
      assertThat(run.err()).contains("publishing configmap hal9/hal9-feature-flags (attempt 3 of 3)").contains("HTTP 403")
          .doesNotContain(TOKEN);
      assertThat(db.queryRows("SELECT phase, hierarchical_percent FROM hal9_routing")).containsExactly("null|0");
      assertThat(db.queryLong("SELECT count(*) FROM hal9_routing_history")).isZero();
      assertThat(db.queryLong("SELECT count(*) FROM hal9_events WHERE event_type = 'step_warning' AND message LIKE '%attempt%'"))
          .as("each retry reported").isGreaterThanOrEqualTo(2);
    } finally {
      refusing.destroy();
    }
  }

  private static String phase(String phase, Path kubeconfig) {
    return "steps:\n  - id: " + phase + "\n    type: rollout\n    phase: " + phase + "\n    bake: 1s\n    interval: 1s\n"
        + "    rollback-when: []\n    cluster: {namespace: hal9}\n    kubeconfig: " + kubeconfig + "\n";
  }

  private String weights() {
    return client.resources(HTTPRoute.class).inNamespace("hal9").withName("hal9").get().getSpec().getRules().get(0)
        .getBackendRefs().stream().map(HTTPBackendRef.class::cast).map(b -> b.getName() + "=" + b.getWeight())
        .sorted().collect(Collectors.joining(","));
  }

  private String flagsFile() {
    ConfigMap map = client.configMaps().inNamespace("hal9").withName("hal9-feature-flags").get();
    return map == null ? "" : map.getData().get("feature_flags.json");
  }

  private Path kubeconfig(String server) throws Exception {
    return Files.writeString(Files.createTempFile(dir, "kubeconfig-", ""), "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n"
        + "  cluster:\n    server: " + server + "\n    insecure-skip-tls-verify: true\nusers:\n- name: tester\n  user:\n"
        + "    token: " + TOKEN + "\ncontexts:\n- name: mock\n  context:\n    cluster: mock\n    user: tester\n"
        + "    namespace: hal9\ncurrent-context: mock\n");
  }
}
