package io.hal9.migrate.tools.rollout;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.tools.scale.KubernetesClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Publishes a routing where HAL9 reads it: {@code feature_flags.json} in a ConfigMap, and the split in an HTTPRoute
 * or a canary Ingress. Publishing is idempotent (an object that already holds the routing is not written), so
 * publishing again after a failure, or publishing the previous routing to undo one, is always safe.
 */
public final class ClusterPublisher implements AutoCloseable {
  private final KubernetesClient client;
  private final boolean ownsClient;
  private final ClusterTarget target;
  private final Attempts attempts;
  private final FlagsConfigMap configMap;
  private final TrafficSplit traffic;

  /**
   * @param client the cluster; the caller closes it
   * @param onRetry told of each failed attempt before it is tried again, in one line (to log, to record an event)
   */
  public ClusterPublisher(KubernetesClient client, ClusterTarget target, Consumer<String> onRetry) {
    this(client, false, target, onRetry, Attempts.BACKOFF);
  }

  ClusterPublisher(KubernetesClient client, boolean ownsClient, ClusterTarget target, Consumer<String> onRetry,
      List<Duration> backoff) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.target = target;
    this.attempts = new Attempts(client, backoff, onRetry);
    this.configMap = new FlagsConfigMap(client, target);
    this.traffic = target.traffic() instanceof ClusterTarget.HttpRoute route
        ? new RouteWeights(client, target.namespace(), route)
        : new CanaryIngressWeight(client, target.namespace(), (ClusterTarget.IngressNginx) target.traffic());
  }

  /**
   * A publisher with its own client, from the target's kubeconfig or the usual places; closing it closes the client.
   *
   * @param env the environment ({@code KUBECONFIG})
   */
  public static ClusterPublisher open(ClusterTarget target, Map<String, String> env, Consumer<String> onRetry) {
    // fabric8 retries nothing itself: the publisher's attempts are the requests made, and each one is reported.
    KubernetesClient client = KubernetesClients.open(target.kubeconfig(), env, 0);
    return new ClusterPublisher(client, true, target, onRetry, Attempts.BACKOFF);
  }

  public ClusterTarget target() {
    return target;
  }

  /**
   * Makes the cluster hold {@code routing}: the traffic object is checked first (a missing route changes nothing),
   * then the flags file is written, then the split.
   *
   * @throws Hal9MigrateException K8S_NOT_FOUND (the traffic object or its rule is missing), K8S_REFUSED or
   *     K8S_UNREACHABLE after the last attempt; when the flags file went through and the split did not, the
   *     message says so
   */
  public void publish(Routing routing) {
    attempts.run("reading " + traffic.describe(), traffic::check);
    String json = FlagsFile.write(routing);
    attempts.run("publishing " + target.describeConfigMap(), () -> configMap.write(json));
    try {
      attempts.run("publishing " + traffic.describe(), () -> traffic.write(routing));
    } catch (Hal9MigrateException e) {
      Hal9MigrateException halfway = new Hal9MigrateException(e.code(), target.describeConfigMap()
          + " holds the new flags but " + traffic.describe() + " does not: " + e.getMessage());
      halfway.addSuppressed(e);
      throw halfway;
    }
  }

  /**
   * Makes the cluster hold {@code target}; when it refuses, puts {@code previous} back (best effort: a half-published
   * change is undone) and fails with the first refusal, a refused put-back suppressed in it. Callers publish before
   * they change the table, so a refusal leaves table and cluster as they were.
   */
  public void publish(Routing target, Routing previous) {
    try {
      publish(target);
    } catch (RuntimeException refused) {
      try {
        publish(previous);
      } catch (RuntimeException alsoRefused) {
        refused.addSuppressed(alsoRefused);
      }
      throw refused;
    }
  }

  /** What the cluster holds now. */
  public ClusterView read() {
    String text = attempts.get("reading " + target.describeConfigMap(), configMap::read);
    TrafficSplit.Split split = attempts.get("reading " + traffic.describe(), traffic::read);
    Routing flagsFile = null;
    String problem = null;
    if (text == null) {
      problem = "no " + ClusterTarget.FLAGS_KEY + " in " + target.describeConfigMap() + " (nothing published yet)";
    } else {
      try {
        flagsFile = FlagsFile.read(text);
      } catch (IllegalArgumentException e) {
        problem = ClusterTarget.FLAGS_KEY + " in " + target.describeConfigMap() + " is not HAL9's flags file: "
            + e.getMessage();
      }
    }
    return new ClusterView(flagsFile, problem, traffic.describe(), split.hierarchicalPercent(), split.mirrored());
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }
}
