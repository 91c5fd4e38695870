package io.hal9.migrate.tools.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.tools.ToolCode;
import io.hal9.migrate.tools.scale.KubernetesClients;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing a routing to fabric8's CRUD mock server holding the example manifests of tools/k8s (the HTTPRoute;
 * the ConfigMap absent, then present), and to servers that refuse or do not answer.
 */
@EnableKubernetesMockClient(crud = true)
class ClusterPublisherTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String NAMESPACE = "hal9";
  private static final String TOKEN = "s3cr3t-rollout-token-0815";
  private static final List<Duration> NO_BACKOFF = List.of(Duration.ZERO, Duration.ZERO);
  private static final String FLAGS_PATH = "/api/v1/namespaces/hal9/configmaps/hal9-feature-flags";

  private static final Routing SHADOW = new Routing("shadow", 0, true, new TreeMap<>(Map.of("shadow_mode", Routing.Flag.at(100))));
  private static final Routing CANARY = new Routing("canary", 5, false, new TreeMap<>(Map.of(
      "shadow_mode", Routing.Flag.at(0), "hierarchical_routing", Routing.Flag.at(100))));

  KubernetesClient client;
  @TempDir Path dir;
  private final List<String> retries = new ArrayList<>();

  @BeforeEach
  void exampleRoute() throws Exception {
    try (InputStream manifest = Files.newInputStream(Path.of("tools/k8s/httproute.yaml"))) {
      client.resource(client.getKubernetesSerialization().unmarshal(manifest, HTTPRoute.class)).inNamespace(NAMESPACE).create();
    }
  }

  @Test
  void canaryWritesTheFlagsFileAndTheWeights() {
    publisher(ClusterTarget.defaults()).publish(CANARY);

    assertThat(configMap().getData()).containsOnlyKeys("feature_flags.json");
    assertThat(configMap().getData().get("feature_flags.json")).isEqualTo("""
        {
          "phase": "canary",
          "hierarchical_enabled": true,
          "hierarchical_traffic_percent": 5,
          "mirrored": false,
          "flags": {
            "hierarchical_routing": {
              "enabled": true,
              "percentage": 100
            },
            "shadow_mode": {
              "enabled": false,
              "percentage": 0
            }
          }
        }
        """);
    assertThat(weights(rule())).containsExactly(Map.entry("hal9-flat", 95), Map.entry("hal9-hierarchical", 5));
    assertThat(rule().getFilters()).isNullOrEmpty();
    assertThat(retries).isEmpty();
  }

  @Test
  void shadowMirrorsToTheHierarchicalServiceAndTheNextPhaseDropsTheMirror() {
    ClusterPublisher publisher = publisher(ClusterTarget.defaults());

    publisher.publish(SHADOW);

    assertThat(weights(rule())).containsExactly(Map.entry("hal9-flat", 100), Map.entry("hal9-hierarchical", 0));
    assertThat(rule().getFilters()).singleElement().satisfies(filter -> {
      assertThat(filter.getType()).isEqualTo("RequestMirror");
      assertThat(filter.getRequestMirror().getBackendRef().getName()).isEqualTo("hal9-hierarchical");
      assertThat(filter.getRequestMirror().getBackendRef().getPort()).isEqualTo(8080);
    });
    assertThat(configMap().getData().get("feature_flags.json")).contains("\"hierarchical_enabled\": true", "\"mirrored\": true");

    publisher.publish(CANARY);

    assertThat(weights(rule())).containsExactly(Map.entry("hal9-flat", 95), Map.entry("hal9-hierarchical", 5));
    assertThat(rule().getFilters()).isEmpty();
  }

  @Test
  void publishingTheSameRoutingAgainWritesNothing() {
    ClusterPublisher publisher = publisher(ClusterTarget.defaults());
    publisher.publish(CANARY);
    String configMapVersion = configMap().getMetadata().getResourceVersion();
    String routeVersion = route().getMetadata().getResourceVersion();

    publisher.publish(CANARY);

    assertThat(configMap().getMetadata().getResourceVersion()).isEqualTo(configMapVersion);
    assertThat(route().getMetadata().getResourceVersion()).isEqualTo(routeVersion);
  }

  @Test
  void whatIsNotTheRolloutsStaysAsItIs() {
    client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("hal9-feature-flags").addToAnnotations("owner", "platform-team").endMetadata()
        .addToData("other.json", "{\"keep\": true}").addToData("feature_flags.json", "{}")
        .build()).create();
    client.resources(HTTPRoute.class).inNamespace(NAMESPACE).withName("hal9").edit(route -> new HTTPRouteBuilder(route)
        .editMetadata().addToAnnotations("owner", "platform-team").endMetadata()
        .editSpec()
        .editFirstRule().addNewFilter().withType("RequestHeaderModifier").withNewRequestHeaderModifier()
        .addNewSet().withName("x-served-by").withValue("gateway").endSet().endRequestHeaderModifier().endFilter().endRule()
        .addNewRule().addNewMatch().withNewPath().withType("PathPrefix").withValue("/admin").endPath().endMatch()
        .addNewBackendRef().withName("hal9-admin").withPort(9000).endBackendRef().endRule()
        .endSpec().build());

    publisher(ClusterTarget.defaults()).publish(SHADOW);

    assertThat(configMap().getData()).containsEntry("other.json", "{\"keep\": true}");
    assertThat(configMap().getData().get("feature_flags.json")).contains("\"phase\": \"shadow\"");
    assertThat(configMap().getMetadata().getAnnotations()).containsEntry("owner", "platform-team");
    HTTPRoute route = route();
    assertThat(route.getMetadata().getAnnotations()).containsEntry("owner", "platform-team");
    assertThat(route.getSpec().getParentRefs()).singleElement().satisfies(parent -> assertThat(parent.getName()).isEqualTo("hal9-gateway"));
    assertThat(rule().getFilters()).map(HTTPRouteFilter::getType).containsExactly("RequestHeaderModifier", "RequestMirror");
    assertThat(route.getSpec().getRules()).hasSize(2);
    assertThat(route.getSpec().getRules().get(1).getBackendRefs()).singleElement().satisfies(backend -> {
      assertThat(backend.getName()).isEqualTo("hal9-admin");
      assertThat(backend.getWeight()).isNull();
    });
  }

  @Test
  void readReturnsWhatWasPublishedAndShowsAHandEditedRoute() {
    ClusterPublisher publisher = publisher(ClusterTarget.defaults());
    assertThat(publisher.read().routing()).isEmpty();
    assertThat(publisher.read().describe()).isEqualTo("cluster: httproute hal9/hal9 says hierarchical 0%; no feature_flags.json "
        + "in configmap hal9/hal9-feature-flags (nothing published yet)");

    publisher.publish(CANARY);

    ClusterView view = publisher.read();
    assertThat(view.holds(CANARY)).isTrue();
    assertThat(view.routing()).contains(CANARY);
    assertThat(view.describe()).isEqualTo("cluster: canary, hierarchical 5%, flags hierarchical_routing 100%, shadow_mode off");

    client.resources(HTTPRoute.class).inNamespace(NAMESPACE).withName("hal9").edit(route -> {
      route.getSpec().getRules().get(0).getBackendRefs().get(0).setWeight(75);
      route.getSpec().getRules().get(0).getBackendRefs().get(1).setWeight(25);
      return route;
    });

    ClusterView edited = publisher.read();
    assertThat(edited.agrees()).isFalse();
    assertThat(edited.holds(CANARY)).isFalse();
    assertThat(edited.routing()).contains(new Routing("canary", 25, false, CANARY.flags()));
    assertThat(edited.describe()).isEqualTo("cluster: httproute hal9/hal9 says hierarchical 25%, feature_flags.json says "
        + "hierarchical 5%; canary, flags hierarchical_routing 100%, shadow_mode off");

    publisher.publish(CANARY);
    assertThat(publisher.read().holds(CANARY)).as("publishing again repairs the route").isTrue();
  }

  @Test
  void anUnreadableFlagsFileIsReportedNotThrown() {
    client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
        .withNewMetadata().withName("hal9-feature-flags").endMetadata()
        .addToData("feature_flags.json", "{\"hierarchical_traffic_percent\": 250}")
        .build()).create();

    ClusterView view = publisher(ClusterTarget.defaults()).read();

    assertThat(view.routing()).isEmpty();
    assertThat(view.describe()).isEqualTo("cluster: httproute hal9/hal9 says hierarchical 0%; feature_flags.json in configmap "
        + "hal9/hal9-feature-flags is not HAL9's flags file: hierarchical traffic 250%: expected 0..100");
  }

  @Test
  void theManifestsFlagsFileIsWhatNoRolloutPublishes() throws Exception {
    String manifest = YAML.readTree(Path.of("tools/k8s/feature-flags.yaml").toFile()).at("/data/feature_flags.json").asText();

    assertThat(manifest).isEqualTo(FlagsFile.write(Routing.NONE));
    assertThat(FlagsFile.read(manifest)).isEqualTo(Routing.NONE);
    assertThat(FlagsFile.read(FlagsFile.write(CANARY))).isEqualTo(CANARY);
  }

  @Test
  void ingressNginxSetsTheCanaryAnnotations() {
    client.network().v1().ingresses().inNamespace(NAMESPACE).resource(new IngressBuilder()
        .withNewMetadata().withName("hal9-hierarchical-canary").addToAnnotations("nginx.ingress.kubernetes.io/rewrite-target", "/")
        .endMetadata()
        .withNewSpec().addNewRule().withHost("hal9.example.com").endRule().endSpec()
        .build()).create();
    ClusterTarget target = parse("traffic: {ingress-nginx: hal9-hierarchical-canary}");
    ClusterPublisher publisher = publisher(target);
    assertThat(publisher.read().hierarchicalPercent()).as("not a canary yet").isZero();

    publisher.publish(new Routing("state-migration", 25, false, new TreeMap<>()));

    Ingress ingress = client.network().v1().ingresses().inNamespace(NAMESPACE).withName("hal9-hierarchical-canary").get();
    assertThat(ingress.getMetadata().getAnnotations()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "nginx.ingress.kubernetes.io/rewrite-target", "/",
        "nginx.ingress.kubernetes.io/canary", "true",
        "nginx.ingress.kubernetes.io/canary-weight", "25"));
    assertThat(ingress.getSpec().getRules()).singleElement().satisfies(rule -> assertThat(rule.getHost()).isEqualTo("hal9.example.com"));
    ClusterView view = publisher.read();
    assertThat(view.hierarchicalPercent()).isEqualTo(25);
    assertThat(view.mirrored()).isNull();
    assertThat(view.agrees()).isTrue();
    assertThat(view.describe()).isEqualTo("cluster: state-migration, hierarchical 25%, flags none");
  }

  @Test
  void aHandWrittenCanaryWeightIsNamedByReadAndRepairedByPublish() {
    client.network().v1().ingresses().inNamespace(NAMESPACE).resource(new IngressBuilder()
        .withNewMetadata().withName("canary").addToAnnotations("nginx.ingress.kubernetes.io/canary", "true")
        .addToAnnotations("nginx.ingress.kubernetes.io/canary-weight", "half").endMetadata()
        .build()).create();
    ClusterPublisher publisher = publisher(parse("traffic: {ingress-nginx: canary}"));

    assertThatThrownBy(publisher::read)
        .isInstanceOfSatisfying(Hal9MigrateException.class, e -> assertThat(e.code()).isEqualTo(ToolCode.CONFIG_UNREADABLE))
        .hasMessage("ingress hal9/canary has nginx.ingress.kubernetes.io/canary-weight 'half': not a percentage");

    publisher.publish(CANARY);

    assertThat(publisher.read().holds(CANARY)).isTrue();
  }

  @Test
  void aMissingRouteIsNamedAndNothingIsPublished() {
    ClusterPublisher publisher = publisher(parse("traffic: {httproute: nope}"));

    assertThatThrownBy(() -> publisher.publish(CANARY))
        .isInstanceOfSatisfying(Hal9MigrateException.class, e -> assertThat(e.code()).isEqualTo(ToolCode.K8S_NOT_FOUND))
        .hasMessageStartingWith("httproute hal9/nope not found on ");
    assertThat(configMap()).as("the flags file is not published without its route").isNull();
    assertThat(retries).isEmpty();
  }

  @Test
  void aRouteWithoutTheServicesIsNamed() {
    ClusterPublisher publisher = publisher(parse("traffic: {httproute: hal9, flat-service: hal9-v1, hierarchical-service: hal9-v2}"));

    assertThatThrownBy(() -> publisher.publish(CANARY))
        .hasMessage("httproute hal9/hal9 has no rule sending to Service hal9-v1 or hal9-v2 (traffic.flat-service, "
            + "traffic.hierarchical-service)");
  }

  @Test
  void aClusterThatRefusesIsTriedThreeTimesThenNamedWithItsReason() throws Exception {
    KubernetesMockServer refusing = new KubernetesMockServer(false);
    refusing.init();
    try {
      String path = "/api/v1/namespaces/hal9/configmaps/hal9-feature-flags";
      refusing.expect().get().withPath("/apis/gateway.networking.k8s.io/v1/namespaces/hal9/httproutes/hal9").andReturn(200, route()).always();
      refusing.expect().get().withPath(path).andReturn(200, new ConfigMapBuilder().withNewMetadata().withName("hal9-feature-flags")
          .withNamespace(NAMESPACE).withResourceVersion("7").endMetadata().build()).always();
      refusing.expect().put().withPath(path).andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
          .withMessage("configmaps \"hal9-feature-flags\" is forbidden: User \"system:serviceaccount:hal9:hal9-migrate\" cannot "
              + "update resource \"configmaps\" in the namespace \"hal9\"").build()).always();

      try (KubernetesClient refusingClient = KubernetesClients.open(kubeconfig(refusing.url("/")).toString(), Map.of(), 0)) {
        ClusterPublisher publisher = new ClusterPublisher(refusingClient, false, ClusterTarget.defaults(), retries::add, NO_BACKOFF);

        assertThatThrownBy(() -> publisher.publish(CANARY))
            .isInstanceOfSatisfying(Hal9MigrateException.class, e -> assertThat(e.code()).isEqualTo(ToolCode.K8S_REFUSED))
            .hasMessageStartingWith("publishing configmap hal9/hal9-feature-flags (attempt 3 of 3): refused by http://")
            .hasMessageEndingWith("(HTTP 403: configmaps \"hal9-feature-flags\" is forbidden: User "
                + "\"system:serviceaccount:hal9:hal9-migrate\" cannot update resource \"configmaps\" in the namespace \"hal9\")")
            .hasMessageNotContaining(TOKEN)
            .message().doesNotContain("\n");
      }
      assertThat(methods(refusing)).filteredOn("PUT"::equals).hasSize(3);
      assertThat(retries).hasSize(2).allSatisfy(retry -> assertThat(retry).startsWith("publishing configmap hal9/hal9-feature-flags (attempt ")
          .contains("HTTP 403").endsWith("; retrying in 0 ms").doesNotContain(TOKEN));
    } finally {
      refusing.destroy();
    }
  }

  @Test
  void aConflictWithAnotherWriterIsReadAndWrittenAgain() throws Exception {
    KubernetesMockServer conflicting = new KubernetesMockServer(false);
    conflicting.init();
    try {
      String path = "/api/v1/namespaces/hal9/configmaps/hal9-feature-flags";
      ConfigMap current = new ConfigMapBuilder().withNewMetadata().withName("hal9-feature-flags").withNamespace(NAMESPACE)
          .withResourceVersion("7").endMetadata().build();
      conflicting.expect().get().withPath("/apis/gateway.networking.k8s.io/v1/namespaces/hal9/httproutes/hal9").andReturn(200, route()).always();
      conflicting.expect().put().withPath("/apis/gateway.networking.k8s.io/v1/namespaces/hal9/httproutes/hal9").andReturn(200, route()).always();
      conflicting.expect().get().withPath(path).andReturn(200, current).always();
      conflicting.expect().put().withPath(path).andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict")
          .withMessage("the object has been modified; please apply your changes to the latest version and try again").build()).once();
      conflicting.expect().put().withPath(path).andReturn(200, current).always();

      try (KubernetesClient conflictingClient = KubernetesClients.open(kubeconfig(conflicting.url("/")).toString(), Map.of(), 0)) {
        new ClusterPublisher(conflictingClient, false, ClusterTarget.defaults(), retries::add, NO_BACKOFF).publish(CANARY);
      }

      assertThat(methods(conflicting)).containsExactly("GET", "GET", "PUT", "GET", "PUT", "GET", "PUT");
      assertThat(retries).singleElement().asString()
          .startsWith("publishing configmap hal9/hal9-feature-flags (attempt 1 of 3): refused by http://")
          .contains("HTTP 409: the object has been modified");
    } finally {
      conflicting.destroy();
    }
  }

  @Test
  void aRouteRefusedAfterTheFlagsFileWentThroughSaysSo() throws Exception {
    KubernetesMockServer refusing = refusingTheRoute();
    try {
      try (KubernetesClient refusingClient = KubernetesClients.open(kubeconfig(refusing.url("/")).toString(), Map.of(), 0)) {
        ClusterPublisher publisher = new ClusterPublisher(refusingClient, false, ClusterTarget.defaults(), retries::add, NO_BACKOFF);

        assertThatThrownBy(() -> publisher.publish(CANARY))
            .isInstanceOfSatisfying(Hal9MigrateException.class, e -> assertThat(e.code()).isEqualTo(ToolCode.K8S_REFUSED))
            .hasMessageStartingWith("configmap hal9/hal9-feature-flags holds the new flags but httproute hal9/hal9 does not: "
                + "publishing httproute hal9/hal9 (attempt 3 of 3): refused by http://")
            .hasMessageEndingWith("(HTTP 500: etcdserver: request timed out)");
      }
      List<String> methods = methods(refusing);
      assertThat(methods).filteredOn("PUT"::equals).as("1 flags file, 3 route attempts: fabric8 retries nothing itself").hasSize(4);
      assertThat(retries).hasSize(2);
    } finally {
      refusing.destroy();
    }
  }

  @Test
  void aRoutingRefusedPutsThePreviousOneBackAndFailsWithTheFirstRefusal() throws Exception {
    KubernetesMockServer refusing = refusingTheRoute();
    try {
      try (KubernetesClient refusingClient = KubernetesClients.open(kubeconfig(refusing.url("/")).toString(), Map.of(), 0)) {
        ClusterPublisher publisher = new ClusterPublisher(refusingClient, false, ClusterTarget.defaults(), retries::add, NO_BACKOFF);

        assertThatThrownBy(() -> publisher.publish(CANARY, SHADOW))
            .hasMessageStartingWith("configmap hal9/hal9-feature-flags holds the new flags but httproute hal9/hal9 does not: ")
            .satisfies(e -> assertThat(e.getSuppressed()).as("the refused put-back").anySatisfy(back -> assertThat(back)
                .hasMessageContaining("publishing httproute hal9/hal9 (attempt 3 of 3)")));
      }
      List<String> flagsFiles = new ArrayList<>();
      for (int i = refusing.getRequestCount(); i > 0; i--) {
        var request = refusing.takeRequest();
        if (request.getMethod().equals("PUT") && request.getPath().equals(FLAGS_PATH)) {
          flagsFiles.add(request.getUtf8Body());
        }
      }
      assertThat(flagsFiles).as("the new flags file, then the previous one").hasSize(2);
      assertThat(flagsFiles.get(0)).contains("\\\"phase\\\": \\\"canary\\\"");
      assertThat(flagsFiles.get(1)).contains("\\\"phase\\\": \\\"shadow\\\"");
      assertThat(retries).as("the put-back's retries are reported too").hasSize(4);
    } finally {
      refusing.destroy();
    }
  }

  @Test
  void anUnreachableClusterFailsQuickly() throws Exception {
    long started = System.nanoTime();
    try (KubernetesClient dead = KubernetesClients.open(kubeconfig("https://127.0.0.1:1/").toString(), Map.of(), 0)) {
      ClusterPublisher publisher = new ClusterPublisher(dead, false, ClusterTarget.defaults(), retries::add, NO_BACKOFF);

      assertThatThrownBy(() -> publisher.publish(CANARY))
          .isInstanceOfSatisfying(Hal9MigrateException.class, e -> assertThat(e.code()).isEqualTo(ToolCode.K8S_UNREACHABLE))
          .hasMessageStartingWith("reading httproute hal9/hal9 (attempt 3 of 3): cannot reach the Kubernetes API at https://127.0.0.1:1/")
          .hasMessageNotContaining(TOKEN);
    }
    assertThat(retries).hasSize(2);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void openUsesTheTargetsKubeconfig() throws Exception {
    Path kubeconfig = kubeconfig(client.getConfiguration().getMasterUrl());
    ClusterTarget target = ClusterTarget.parse(YAML.readTree("kubeconfig: " + kubeconfig.getFileName()), dir, (key, message) -> {
      throw new AssertionError(message);
    });

    try (ClusterPublisher publisher = ClusterPublisher.open(target, Map.of(), retries::add)) {
      publisher.publish(CANARY);
    }

    assertThat(weights(rule())).containsEntry("hal9-hierarchical", 5);
  }

  @Test
  void targetDefaultsAreTheExampleManifests() throws Exception {
    assertThat(parse("{}")).isEqualTo(ClusterTarget.defaults());
    assertThat(ClusterTarget.parse(null, dir, (key, message) -> { })).isEqualTo(ClusterTarget.defaults());
    assertThat(parse("namespace: prod\nconfigmap: flags\ntraffic: {httproute: web, port: 80}")).isEqualTo(new ClusterTarget("prod",
        "flags", new ClusterTarget.HttpRoute("web", "hal9-flat", "hal9-hierarchical", 80), null));
    assertThat(parse("traffic: {ingress-nginx: canary}").traffic()).isEqualTo(new ClusterTarget.IngressNginx("canary"));
    assertThat(parse("kubeconfig: kube/config").kubeconfig()).isEqualTo(dir.resolve("kube/config").toString());
  }

  @Test
  void targetProblemsNameTheirKey() throws Exception {
    assertThat(problems("""
        namspace: hal9
        configmap: Feature_Flags
        kubeconfig: 7
        traffic: {httproute: hal9, port: 0, weights: 5}
        """)).containsExactly(
        "namspace: namspace: unknown key (known: configmap, kubeconfig, namespace, traffic)",
        "configmap: configmap: 'Feature_Flags' is not a Kubernetes name (lower-case letters, digits, '-', '.')",
        "kubeconfig: kubeconfig: expected a non-empty string, got 7",
        "traffic.weights: traffic.weights: unknown key (known: flat-service, hierarchical-service, httproute, port)",
        "traffic.port: traffic.port: expected a port from 1 to 65535, got 0");
    assertThat(problems("traffic: {ingress-nginx: canary, httproute: hal9}"))
        .containsExactly("traffic: traffic: 'ingress-nginx' stands alone; drop httproute");
    assertThat(problems("traffic: {ingress-nginx: null}"))
        .containsExactly("traffic.ingress-nginx: traffic.ingress-nginx: expected the name of the canary Ingress");
    assertThat(problems("namespace: hal9.prod\ntraffic: ingress")).containsExactly(
        "namespace: namespace: 'hal9.prod' is not a Kubernetes name (lower-case letters, digits, '-')",
        "traffic: traffic: expected {httproute: NAME, ...} or {ingress-nginx: NAME}, got \"ingress\"");
  }

  /** A server that takes the flags file and answers every write of the route with a 500. */
  private KubernetesMockServer refusingTheRoute() {
    KubernetesMockServer refusing = new KubernetesMockServer(false);
    refusing.init();
    String routePath = "/apis/gateway.networking.k8s.io/v1/namespaces/hal9/httproutes/hal9";
    ConfigMap current = new ConfigMapBuilder().withNewMetadata().withName("hal9-feature-flags").withNamespace(NAMESPACE)
        .withResourceVersion("7").endMetadata().build();
    refusing.expect().get().withPath(routePath).andReturn(200, route()).always();
    refusing.expect().get().withPath(FLAGS_PATH).andReturn(200, current).always();
    refusing.expect().put().withPath(FLAGS_PATH).andReturn(200, current).always();
    refusing.expect().put().withPath(routePath).andReturn(500, new StatusBuilder().withCode(500)
        .withMessage("etcdserver: request timed out").build()).always();
    return refusing;
  }

  private ClusterPublisher publisher(ClusterTarget target) {
    return new ClusterPublisher(client, false, target, retries::add, NO_BACKOFF);
  }

  private ClusterTarget parse(String yaml) {
    try {
      return ClusterTarget.parse(YAML.readTree(yaml), dir, (key, message) -> {
        throw new AssertionError(key + ": " + message);
      });
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private List<String> problems(String yaml) throws Exception {
    List<String> problems = new ArrayList<>();
    ClusterTarget.parse(YAML.readTree(yaml), dir, (key, message) -> problems.add(key + ": " + message));
    return problems;
  }

  private ConfigMap configMap() {
    return client.configMaps().inNamespace(NAMESPACE).withName("hal9-feature-flags").get();
  }

  private HTTPRoute route() {
    return client.resources(HTTPRoute.class).inNamespace(NAMESPACE).withName("hal9").get();
  }

  private HTTPRouteRule rule() {
    return route().getSpec().getRules().get(0);
  }

  private static Map<String, Integer> weights(HTTPRouteRule rule) {
    Map<String, Integer> weights = new java.util.LinkedHashMap<>();
    for (HTTPBackendRef backend : rule.getBackendRefs()) {
      weights.put(backend.getName(), backend.getWeight());
    }
    return weights;
  }

  private static List<String> methods(KubernetesMockServer server) throws InterruptedException {
    List<String> methods = new ArrayList<>();
    for (int i = server.getRequestCount(); i > 0; i--) {
      methods.add(server.takeRequest().getMethod());
    }
    return methods;
  }

  /** A kubeconfig for {@code server}, with a bearer token that must never be printed. */
  private Path kubeconfig(String server) throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(file, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: " + server + "\n"
        + "    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: " + TOKEN + "\n"
        + "contexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: " + NAMESPACE + "\n"
        + "current-context: c\n");
    return file;
  }
}
