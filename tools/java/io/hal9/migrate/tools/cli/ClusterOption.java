package io.hal9.migrate.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.tools.ToolCode;
import io.hal9.migrate.tools.rollout.ClusterPublisher;
import io.hal9.migrate.tools.rollout.ClusterTarget;
import io.hal9.migrate.tools.rollout.ClusterView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/**
 * {@code --cluster FILE}: where HAL9 reads the routing in the cluster, the map a rollout step's {@code cluster:}
 * holds (namespace, configmap, traffic, kubeconfig), for the commands that publish or compare by hand.
 */
final class ClusterOption {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Option(names = "--cluster", paramLabel = "FILE",
      description = "A YAML file with the cluster: map of the rollout steps (namespace, configmap, traffic, kubeconfig).")
  Path file;

  /** The target the file names, or null without {@code --cluster}. */
  ClusterTarget target() {
    if (file == null) {
      return null;
    }
    JsonNode node;
    try {
      node = YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new Hal9MigrateException(ToolCode.CONFIG_UNREADABLE, "--cluster " + file + ": cannot read it (" + e.getMessage() + ")", e);
    }
    List<String> problems = new ArrayList<>();
    ClusterTarget target = ClusterTarget.parse(node, file.toAbsolutePath().getParent(), (key, message) -> problems.add(message));
    if (!problems.isEmpty()) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--cluster " + file + ": " + problems.get(0), problems, null);
    }
    return target;
  }

  /**
   * Makes the cluster hold {@code routing}, or {@code previous} again when it refuses (with their retries, each said
   * on {@code retried}); nothing without the option.
   */
  void publish(Routing routing, Routing previous, Consumer<String> retried) {
    ClusterTarget target = target();
    if (target != null) {
      try (ClusterPublisher publisher = ClusterPublisher.open(target, System.getenv(), retried)) {
        publisher.publish(routing, previous);
      }
    }
  }

  /** What the cluster holds, or null without the option. */
  ClusterView read() {
    ClusterTarget target = target();
    if (target == null) {
      return null;
    }
    try (ClusterPublisher publisher = ClusterPublisher.open(target, System.getenv(), retry -> {})) {
      return publisher.read();
    }
  }
}
