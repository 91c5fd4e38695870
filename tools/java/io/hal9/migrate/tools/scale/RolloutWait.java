package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Waits until a deployment has rolled out: the controller saw the latest spec, and every desired replica is
 * updated and ready with no old ones left (what {@code kubectl rollout status} waits for).
 */
final class RolloutWait {

  private RolloutWait() {}

  static Rollout await(KubernetesClient client, String namespace, String name, Duration timeout) {
    try {
      Deployment done = client.apps().deployments().inNamespace(namespace).withName(name)
          .waitUntilCondition(RolloutWait::rolledOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new Rollout(count(done.getStatus().getReadyReplicas()), desired(done));
    } catch (KubernetesClientTimeoutException e) {
      Deployment last = client.apps().deployments().inNamespace(namespace).withName(name).get();
      String state = last == null ? "deleted meanwhile" : status(last);
      throw new Hal9MigrateException(ToolCode.ROLLOUT_TIMEOUT, "deployment " + namespace + "/" + name + " not ready after "
          + timeout.toSeconds() + "s: " + state + " (the change stays applied)");
    } catch (KubernetesClientException e) {
      throw KubernetesClients.failure(client, "waiting for deployment " + namespace + "/" + name, e);
    }
  }

  static boolean rolledOut(Deployment deployment) {
    if (deployment == null || deployment.getStatus() == null) {
      return false;
    }
    DeploymentStatus status = deployment.getStatus();
    Long generation = deployment.getMetadata().getGeneration();
    if (generation != null && (status.getObservedGeneration() == null || status.getObservedGeneration() < generation)) {
      return false;
    }
    int desired = desired(deployment);
    return count(status.getUpdatedReplicas()) == desired && count(status.getReadyReplicas()) == desired
        && count(status.getReplicas()) == desired;
  }

  private static String status(Deployment deployment) {
    DeploymentStatus status = deployment.getStatus() == null ? new DeploymentStatus() : deployment.getStatus();
    int desired = desired(deployment);
    return count(status.getReadyReplicas()) + "/" + desired + " ready, " + count(status.getUpdatedReplicas()) + "/" + desired
        + " updated";
  }

  /** The desired replicas (Kubernetes defaults an absent count to 1). */
  static int desired(Deployment deployment) {
    Integer replicas = deployment.getSpec().getReplicas();
    return replicas == null ? 1 : replicas;
  }

  private static int count(Integer value) {
    return value == null ? 0 : value;
  }
}
