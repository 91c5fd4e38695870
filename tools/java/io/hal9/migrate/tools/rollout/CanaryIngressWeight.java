package io.hal9.migrate.tools.rollout;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.tools.ToolCode;
import java.util.Map;

/**
 * ingress-nginx: the canary Ingress in front of the hierarchical Service takes {@code canary-weight} percent of the
 * requests of the main Ingress with the same host. It holds no mirror (ingress-nginx mirrors from the main Ingress,
 * {@code mirror-target}, which is not the rollout's): in shadow only the flags file says so. Only the two canary
 * annotations are the rollout's; the others stay.
 */
final class CanaryIngressWeight implements TrafficSplit {
  static final String CANARY = "nginx.ingress.kubernetes.io/canary";
  static final String WEIGHT = "nginx.ingress.kubernetes.io/canary-weight";

  private final KubernetesClient client;
  private final String namespace;
  private final ClusterTarget.IngressNginx ingress;

  CanaryIngressWeight(KubernetesClient client, String namespace, ClusterTarget.IngressNginx ingress) {
    this.client = client;
    this.namespace = namespace;
    this.ingress = ingress;
  }

  @Override
  public String describe() {
    return ingress.describe(namespace);
  }

  @Override
  public void check() {
    get();
  }

  @Override
  public void write(Routing routing) {
    Ingress current = get();
    Map<String, String> annotations = current.getMetadata().getAnnotations();
    String weight = Integer.toString(routing.hierarchicalPercent());
    if (annotations != null && "true".equals(annotations.get(CANARY)) && weight.equals(annotations.get(WEIGHT))) {
      return;
    }
    // With the resourceVersion read: a concurrent edit conflicts (409) instead of being lost.
    client.network().v1().ingresses().inNamespace(namespace).resource(new IngressBuilder(current)
        .editMetadata().addToAnnotations(CANARY, "true").addToAnnotations(WEIGHT, weight).endMetadata()
        .build()).update();
  }

  /** An Ingress that is not (yet) a canary, or has no weight, sends nothing to the hierarchical system. */
  @Override
  public Split read() {
    Map<String, String> annotations = get().getMetadata().getAnnotations();
    if (annotations == null || !"true".equals(annotations.get(CANARY)) || annotations.get(WEIGHT) == null) {
      return new Split(0, null);
    }
    String weight = annotations.get(WEIGHT).trim();
    if (!weight.matches("\\d{1,3}") || Integer.parseInt(weight) > 100) {
      throw new Hal9MigrateException(ToolCode.CONFIG_UNREADABLE, describe() + " has " + WEIGHT + " '" + weight
          + "': not a percentage");
    }
    return new Split(Integer.parseInt(weight), null);
  }

  private Ingress get() {
    Ingress current = client.network().v1().ingresses().inNamespace(namespace).withName(ingress.name()).get();
    if (current == null) {
      throw new Hal9MigrateException(ToolCode.K8S_NOT_FOUND, describe() + " not found on "
          + client.getConfiguration().getMasterUrl()
          + ": create the canary Ingress or name yours in traffic.ingress-nginx");
    }
    return current;
  }
}
