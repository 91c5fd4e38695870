package io.hal9.migrate.tools.rollout;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilterBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.tools.ToolCode;
import java.util.ArrayList;
import java.util.List;

/**
 * Gateway API: the weights of the flat and the hierarchical Service in every rule of the HTTPRoute that sends to
 * either, and for shadow a {@code RequestMirror} filter to the hierarchical Service. The route itself is the
 * operator's (tools/k8s/httproute.yaml): its other rules, backends, filters and matches stay as they are.
 */
final class RouteWeights implements TrafficSplit {
  static final String MIRROR = "RequestMirror";

  private final KubernetesClient client;
  private final String namespace;
  private final ClusterTarget.HttpRoute route;

  RouteWeights(KubernetesClient client, String namespace, ClusterTarget.HttpRoute route) {
    this.client = client;
    this.namespace = namespace;
    this.route = route;
  }

  @Override
  public String describe() {
    return route.describe(namespace);
  }

  @Override
  public void check() {
    ours(get());
  }

  /** The update carries the resourceVersion read: a concurrent edit makes it conflict (409) instead of being lost. */
  @Override
  public void write(Routing routing) {
    HTTPRoute current = get();
    HTTPRoute changed = client.getKubernetesSerialization().clone(current);
    for (HTTPRouteRule rule : ours(changed)) {
      weigh(rule, route.flatService(), routing.flatPercent());
      weigh(rule, route.hierarchicalService(), routing.hierarchicalPercent());
      List<HTTPRouteFilter> filters = new ArrayList<>(rule.getFilters() == null ? List.of() : rule.getFilters());
      filters.removeIf(this::isOurMirror);
      if (routing.mirrored()) {
        filters.add(new HTTPRouteFilterBuilder().withType(MIRROR)
            .withNewRequestMirror().withNewBackendRef().withName(route.hierarchicalService()).withPort(route.port())
            .endBackendRef().endRequestMirror()
            .build());
      }
      rule.setFilters(filters);
    }
    if (!changed.equals(current)) {
      client.resources(HTTPRoute.class).inNamespace(namespace).resource(changed).update();
    }
  }

  /** The split of the first rule that sends to the two Services (the others are written alike). */
  @Override
  public Split read() {
    HTTPRouteRule rule = ours(get()).get(0);
    int flat = weight(rule, route.flatService());
    int hierarchical = weight(rule, route.hierarchicalService());
    int percent = flat + hierarchical == 0 ? 0 : Math.round(100f * hierarchical / (flat + hierarchical));
    boolean mirrored = rule.getFilters() != null && rule.getFilters().stream().anyMatch(this::isOurMirror);
    return new Split(percent, mirrored);
  }

  private HTTPRoute get() {
    HTTPRoute current = resource().get();
    if (current == null) {
      throw new Hal9MigrateException(ToolCode.K8S_NOT_FOUND, describe() + " not found on "
          + client.getConfiguration().getMasterUrl()
          + ": apply one (tools/k8s/httproute.yaml) or name yours in traffic.httproute");
    }
    return current;
  }

  private List<HTTPRouteRule> ours(HTTPRoute current) {
    List<HTTPRouteRule> rules = current.getSpec() == null || current.getSpec().getRules() == null ? List.of()
        : current.getSpec().getRules().stream()
            .filter(rule -> find(rule, route.flatService()) != null || find(rule, route.hierarchicalService()) != null)
            .toList();
    if (rules.isEmpty()) {
      throw new Hal9MigrateException(ToolCode.K8S_NOT_FOUND, describe() + " has no rule sending to Service "
          + route.flatService() + " or " + route.hierarchicalService() + " (traffic.flat-service, traffic.hierarchical-service)");
    }
    return rules;
  }

  /** Sets the weight of the Service's backend in the rule, adding the backend when the rule lacks it. */
  private void weigh(HTTPRouteRule rule, String service, int weight) {
    HTTPBackendRef backend = find(rule, service);
    if (backend != null) {
      backend.setWeight(weight);
      return;
    }
    List<HTTPBackendRef> backends = new ArrayList<>(rule.getBackendRefs() == null ? List.of() : rule.getBackendRefs());
    backends.add(new HTTPBackendRefBuilder().withName(service).withPort(route.port()).withWeight(weight).build());
    rule.setBackendRefs(backends);
  }

  /** Gateway API's default weight is 1. */
  private static int weight(HTTPRouteRule rule, String service) {
    HTTPBackendRef backend = find(rule, service);
    return backend == null ? 0 : backend.getWeight() == null ? 1 : backend.getWeight();
  }

  private static HTTPBackendRef find(HTTPRouteRule rule, String service) {
    if (rule.getBackendRefs() == null) {
      return null;
    }
    return rule.getBackendRefs().stream()
        .filter(ref -> service.equals(ref.getName()) && isService(ref.getGroup(), ref.getKind()))
        .findFirst().orElse(null);
  }

  private boolean isOurMirror(HTTPRouteFilter filter) {
    if (!MIRROR.equals(filter.getType()) || filter.getRequestMirror() == null || filter.getRequestMirror().getBackendRef() == null) {
      return false;
    }
    BackendObjectReference target = filter.getRequestMirror().getBackendRef();
    return route.hierarchicalService().equals(target.getName()) && isService(target.getGroup(), target.getKind());
  }

  /** A backend reference without group and kind is a core Service. */
  private static boolean isService(String group, String kind) {
    return (group == null || group.isEmpty()) && (kind == null || kind.equals("Service"));
  }

  private Resource<HTTPRoute> resource() {
    return client.resources(HTTPRoute.class).inNamespace(namespace).withName(route.name());
  }
}
