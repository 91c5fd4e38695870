package io.hal9.migrate.tools.scale;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Secrets;
import io.hal9.migrate.tools.ToolCode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Kubernetes client from the usual places, resolved by fabric8: {@code --kubeconfig FILE}, else
 * {@code KUBECONFIG}, else {@code ~/.kube/config}, else the pod's service account (in-cluster).
 */
public final class KubernetesClients {
  /**
   * fabric8 retries a failed request 10 times with exponential backoff by default, about 100 s on a server
   * that is down; a command line should say so within a second.
   */
  private static final int RETRIES = 2;

  private KubernetesClients() {}

  /**
   * @param kubeconfig a kubeconfig file, or null for the usual resolution
   * @param env the environment ({@code KUBECONFIG}); the CLI's, which tests replace
   */
  public static KubernetesClient open(String kubeconfig, Map<String, String> env) {
    return open(kubeconfig, env, RETRIES);
  }

  /** @param retries how often fabric8 itself retries a failed request: 0 for a caller that retries and counts itself */
  public static KubernetesClient open(String kubeconfig, Map<String, String> env, int retries) {
    Config config = config(kubeconfig, env);
    config.setRequestRetryBackoffLimit(retries);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  static Config config(String kubeconfig, Map<String, String> env) {
    String file = kubeconfig != null ? kubeconfig : env.get("KUBECONFIG");
    Config config;
    if (file == null || file.isBlank()) {
      config = Config.autoConfigure(null);
    } else if (file.contains(File.pathSeparator)) {
      // A list of files to merge: fabric8 reads that from the process environment itself.
      config = Config.autoConfigure(null);
    } else if (!Files.isRegularFile(Path.of(file))) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "kubeconfig not found: " + file);
    } else {
      try {
        config = Config.fromKubeconfig(new File(file));
      } catch (RuntimeException e) {
        // Not the parser's message: it may quote the file, tokens included.
        throw new Hal9MigrateException(ErrorCode.USAGE, "kubeconfig " + file + " is not a valid kubeconfig (" + e.getClass().getSimpleName() + ")");
      }
    }
    return config;
  }

  /**
   * A fabric8 failure as one line naming what was being done and where, with its exit code: missing resources
   * and an unreachable server are bad input (2). The token never appears in it.
   */
  public static Hal9MigrateException failure(KubernetesClient client, String doing, KubernetesClientException e) {
    Config config = client.getConfiguration();
    String server = config.getMasterUrl();
    Hal9MigrateException failure;
    if (e.getCode() == 404) {
      failure = new Hal9MigrateException(ToolCode.K8S_NOT_FOUND, doing + ": not found on " + server);
    } else if (e.getCode() == 0 || isIo(e)) {
      failure = new Hal9MigrateException(ToolCode.K8S_UNREACHABLE, doing + ": cannot reach the Kubernetes API at " + server
          + " (" + rootMessage(e) + ")");
    } else {
      String reason = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : rootMessage(e);
      failure = new Hal9MigrateException(ToolCode.K8S_REFUSED, doing + ": refused by " + server + " (HTTP " + e.getCode()
          + ": " + reason + ")");
    }
    String redacted = Secrets.redact(Secrets.redact(failure.getMessage(), config.getOauthToken()), config.getPassword());
    // No cause: the engine reports a step failure with its root cause's message, and this line is the one to show.
    Hal9MigrateException result = new Hal9MigrateException(failure.code(), redacted);
    result.addSuppressed(e);
    return result;
  }

  private static boolean isIo(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
