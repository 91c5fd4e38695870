package io.hal9.migrate.tools.rollout;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.scale.KubernetesClients;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one request against the API server (a read, or a read-change-write) again when it fails: a refusal, a 5xx,
 * a conflict with another writer or an unreachable server may all pass on the next try. After the last attempt the
 * failure is one line naming the object, the attempts and the server's reason. Each retry is reported first.
 */
final class Attempts {
  /** Between the 1st and 2nd attempt, and between the 2nd and 3rd: three attempts in all. */
  static final List<Duration> BACKOFF = List.of(Duration.ofMillis(500), Duration.ofSeconds(1));

  private final KubernetesClient client;
  private final List<Duration> backoff;
  private final Consumer<String> onRetry;

  Attempts(KubernetesClient client, List<Duration> backoff, Consumer<String> onRetry) {
    this.client = client;
    this.backoff = List.copyOf(backoff);
    this.onRetry = Objects.requireNonNull(onRetry, "onRetry");
  }

  int attempts() {
    return backoff.size() + 1;
  }

  /**
   * @param doing what the request does, for messages: {@code publishing configmap hal9/hal9-feature-flags}
   * @throws Hal9MigrateException K8S_REFUSED or K8S_UNREACHABLE after the last attempt; a Hal9MigrateException the
   *     request throws itself (a missing route) is no transient failure and goes through at once
   */
  <T> T get(String doing, Supplier<T> request) {
    for (int attempt = 1; ; attempt++) {
      try {
        return request.get();
      } catch (KubernetesClientException e) {
        String which = doing + " (attempt " + attempt + " of " + attempts() + ")";
        Hal9MigrateException failure = KubernetesClients.failure(client, which, e);
        if (attempt == attempts()) {
          throw failure;
        }
        Duration pause = backoff.get(attempt - 1);
        onRetry.accept(failure.getMessage() + "; retrying in " + pause.toMillis() + " ms");
        pause(pause, failure);
      }
    }
  }

  void run(String doing, Runnable request) {
    get(doing, () -> {
      request.run();
      return null;
    });
  }

  private static void pause(Duration pause, Hal9MigrateException failure) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      // Stopping (SIGTERM) while waiting to retry: the failure so far is the answer.
      Thread.currentThread().interrupt();
      throw failure;
    }
  }
}
