package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Scales through the Kubernetes API in two phases: {@link #plan} reads what is there and works out every change
 * and the capacity a scale-up needs, changing nothing; {@link #apply} refuses a plan the nodes cannot hold, then
 * patches the autoscaler (first, so its bounds admit the new replicas) and the deployment, and waits for the rollout.
 */
public final class Scaler {
  private static final int CONFLICT_ATTEMPTS = 10;

  private final KubernetesClient client;

  public Scaler(KubernetesClient client) {
    this.client = client;
  }

  public ScalePlan plan(ScaleRequest request) {
    return plan(request, null);
  }

  /**
   * @param recorded the values a step recorded before an earlier attempt changed anything, or null: an emergency
   *     doubles those, not what that attempt already doubled
   */
  public ScalePlan plan(ScaleRequest request, ScaleRequest recorded) {
    String namespace = request.namespace() != null ? request.namespace()
        : client.getNamespace() != null ? client.getNamespace() : "default";
    Deployment deployment = request.deployment() == null ? null : deployment(namespace, request.deployment());
    HorizontalPodAutoscaler hpa = hpa(namespace, request, deployment);
    List<ScaleChange> changes = new ArrayList<>();

    Integer replicasBefore = deployment == null ? null : RolloutWait.desired(deployment);
    Integer replicasAfter = request.emergency()
        ? doubled(recorded != null && recorded.replicas() != null ? recorded.replicas() : replicasBefore, request.ceiling())
        : request.replicas();
    if (replicasAfter != null) {
      add(changes, "replicas", replicasBefore, replicasAfter);
    }
    if (hpa != null) {
      int min = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
      int max = hpa.getSpec().getMaxReplicas();
      int minBase = recorded != null && recorded.minReplicas() != null ? recorded.minReplicas() : min;
      int maxBase = recorded != null && recorded.maxReplicas() != null ? recorded.maxReplicas() : max;
      // An emergency raises the floor too: under a lower minimum the autoscaler scales the doubling away again.
      int minAfter = request.emergency() ? Math.max(minBase, replicasAfter) : Objects.requireNonNullElse(request.minReplicas(), min);
      int maxAfter = request.emergency() ? Math.max(maxBase, replicasAfter) : Objects.requireNonNullElse(request.maxReplicas(), max);
      if (minAfter > maxAfter) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "autoscaler " + namespace + "/" + name(hpa) + ": min-replicas "
            + minAfter + " above max-replicas " + maxAfter);
      }
      add(changes, "hpa.minReplicas", min, minAfter);
      add(changes, "hpa.maxReplicas", max, maxAfter);
    }

    Container container = null;
    Capacity capacity = null;
    if (deployment != null) {
      PodSpec before = deployment.getSpec().getTemplate().getSpec();
      PodSpec after = new PodSpecBuilder(before).build();
      if (request.changesResources()) {
        container = container(namespace, deployment, request.container());
        Container changed = find(after, container.getName());
        resourceChanges(changes, "requests", container, request.requests());
        resourceChanges(changes, "limits", container, request.limits());
        setResources(changed, request.requests(), request.limits());
      }
      int replicas = replicasAfter == null ? replicasBefore : replicasAfter;
      capacity = new ScaleUpCheck(client).capacity(namespace, deployment, before, after, replicasBefore, replicas);
    }
    return new ScalePlan(namespace, request.deployment(), hpa == null ? null : name(hpa),
        container == null ? null : container.getName(), List.copyOf(changes), capacity);
  }

  /**
   * Applies {@code plan}, refusing first when the nodes cannot hold it, and waits for the deployment to roll out.
   *
   * @return the rollout, or null when the deployment did not change
   * @throws Hal9MigrateException CAPACITY_SHORT, ROLLOUT_TIMEOUT (exit 5), K8S_* (exit 2)
   */
  public Rollout apply(ScalePlan plan, Duration timeout) {
    if (plan.capacity() != null) {
      plan.capacity().check();
    }
    String namespace = plan.namespace();
    if (plan.changesHpa()) {
      try {
        retryingConflicts(() -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).withName(plan.hpa()).edit(hpa -> {
          for (ScaleChange change : plan.changes()) {
            switch (change.field()) {
              case "hpa.minReplicas" -> hpa.getSpec().setMinReplicas((Integer) change.after());
              case "hpa.maxReplicas" -> hpa.getSpec().setMaxReplicas((Integer) change.after());
              default -> { }
            }
          }
          return hpa;
        }));
      } catch (KubernetesClientException e) {
        throw KubernetesClients.failure(client, "patching autoscaler " + namespace + "/" + plan.hpa(), e);
      }
    }
    if (!plan.changesDeployment()) {
      return null;
    }
    try {
      retryingConflicts(() -> client.apps().deployments().inNamespace(namespace).withName(plan.deployment()).edit(deployment -> {
        Map<String, String> requests = new HashMap<>();
        Map<String, String> limits = new HashMap<>();
        for (ScaleChange change : plan.changes()) {
          String field = change.field();
          if (field.equals("replicas")) {
            deployment.getSpec().setReplicas((Integer) change.after());
          } else if (field.startsWith("requests.") || field.startsWith("limits.")) {
            (field.startsWith("requests.") ? requests : limits).put(field.substring(field.indexOf('.') + 1), (String) change.after());
          }
        }
        if (plan.container() != null) {
          setResources(find(deployment.getSpec().getTemplate().getSpec(), plan.container()), requests, limits);
        }
        return deployment;
      }));
    } catch (KubernetesClientException e) {
      throw KubernetesClients.failure(client, "patching deployment " + namespace + "/" + plan.deployment(), e);
    }
    return RolloutWait.await(client, namespace, plan.deployment(), timeout);
  }

  /**
   * Runs an edit (read, change, patch with the resourceVersion read) again while it conflicts: controllers write
   * a deployment's and an autoscaler's status all the time, and each write is a new version.
   */
  private static <T> T retryingConflicts(Supplier<T> edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        return edit.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** Twice the replicas, never above the ceiling, and never fewer than now. */
  private static Integer doubled(int replicas, int ceiling) {
    return Math.max(replicas, (int) Math.min(2L * replicas, ceiling));
  }

  private Deployment deployment(String namespace, String name) {
    Deployment deployment;
    try {
      deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
    } catch (KubernetesClientException e) {
      throw KubernetesClients.failure(client, "reading deployment " + namespace + "/" + name, e);
    }
    if (deployment == null) {
      throw new Hal9MigrateException(ToolCode.K8S_NOT_FOUND, "deployment " + namespace + "/" + name + " not found on "
          + client.getConfiguration().getMasterUrl());
    }
    return deployment;
  }

  /** The named autoscaler, else the one targeting the deployment when the request changes an autoscaler. */
  private HorizontalPodAutoscaler hpa(String namespace, ScaleRequest request, Deployment deployment) {
    var hpas = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace);
    try {
      if (request.hpa() != null) {
        HorizontalPodAutoscaler hpa = hpas.withName(request.hpa()).get();
        if (hpa == null) {
          throw new Hal9MigrateException(ToolCode.K8S_NOT_FOUND, "autoscaler " + namespace + "/" + request.hpa()
              + " not found on " + client.getConfiguration().getMasterUrl());
        }
        return hpa;
      }
      if (!request.changesHpa() || deployment == null) {
        return null;
      }
      List<HorizontalPodAutoscaler> targeting = hpas.list().getItems().stream()
          .filter(hpa -> targets(hpa, deployment))
          .toList();
      if (targeting.size() > 1) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "several autoscalers target deployment " + namespace + "/"
            + name(deployment) + " (" + String.join(", ", targeting.stream().map(Scaler::name).toList()) + "): name one");
      }
      if (targeting.isEmpty() && !request.emergency()) {
        throw new Hal9MigrateException(ToolCode.K8S_NOT_FOUND, "no autoscaler targets deployment " + namespace + "/"
            + name(deployment) + " on " + client.getConfiguration().getMasterUrl() + ": name one");
      }
      return targeting.isEmpty() ? null : targeting.get(0);
    } catch (KubernetesClientException e) {
      throw KubernetesClients.failure(client, "reading autoscalers in namespace " + namespace, e);
    }
  }

  private static boolean targets(HorizontalPodAutoscaler hpa, Deployment deployment) {
    CrossVersionObjectReference target = hpa.getSpec().getScaleTargetRef();
    return target != null && "Deployment".equals(target.getKind()) && name(deployment).equals(target.getName());
  }

  private Container container(String namespace, Deployment deployment, String name) {
    List<Container> containers = deployment.getSpec().getTemplate().getSpec().getContainers();
    List<String> names = containers.stream().map(Container::getName).toList();
    if (name == null) {
      if (containers.size() != 1) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "deployment " + namespace + "/" + name(deployment) + " has "
            + containers.size() + " containers (" + String.join(", ", names) + "): name one with --container / container:");
      }
      return containers.get(0);
    }
    return containers.stream().filter(c -> c.getName().equals(name)).findFirst()
        .orElseThrow(() -> new Hal9MigrateException(ToolCode.K8S_NOT_FOUND, "container '" + name + "' not found in deployment "
            + namespace + "/" + name(deployment) + " (containers: " + String.join(", ", names) + ")"));
  }

  private static Container find(PodSpec spec, String name) {
    return spec.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst().orElseThrow();
  }

  private static void resourceChanges(List<ScaleChange> changes, String kind, Container container, Map<String, String> values) {
    ResourceRequirements resources = container.getResources();
    Map<String, Quantity> current = resources == null ? null : kind.equals("requests") ? resources.getRequests() : resources.getLimits();
    values.forEach((resource, after) -> {
      Quantity before = current == null ? null : current.get(resource);
      if (!sameAmount(before, after)) {
        changes.add(new ScaleChange(kind + "." + resource, before == null ? null : before.toString(), after));
      }
    });
  }

  private static void setResources(Container container, Map<String, String> requests, Map<String, String> limits) {
    if (requests.isEmpty() && limits.isEmpty()) {
      return;
    }
    if (container.getResources() == null) {
      container.setResources(new ResourceRequirements());
    }
    ResourceRequirements resources = container.getResources();
    resources.setRequests(merged(resources.getRequests(), requests));
    resources.setLimits(merged(resources.getLimits(), limits));
  }

  private static Map<String, Quantity> merged(Map<String, Quantity> current, Map<String, String> values) {
    Map<String, Quantity> merged = current == null ? new HashMap<>() : new HashMap<>(current);
    values.forEach((resource, value) -> {
      if (value == null) {
        merged.remove(resource);
      } else {
        merged.put(resource, new Quantity(value));
      }
    });
    return merged.isEmpty() ? null : merged;
  }

  private static boolean sameAmount(Quantity before, String after) {
    if (before == null || after == null) {
      return before == null && after == null;
    }
    return before.getNumericalAmount().compareTo(ResourceQuantities.amount(after)) == 0;
  }

  private static void add(List<ScaleChange> changes, String field, Integer before, Integer after) {
    if (!Objects.equals(before, after)) {
      changes.add(new ScaleChange(field, before, after));
    }
  }

  private static String name(Deployment deployment) {
    return deployment.getMetadata().getName();
  }

  private static String name(HorizontalPodAutoscaler hpa) {
    return hpa.getMetadata().getName();
  }
}
