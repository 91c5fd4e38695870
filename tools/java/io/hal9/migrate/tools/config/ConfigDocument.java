package io.hal9.migrate.tools.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.hal9.migrate.engine.spi.LocatedYaml;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * One document of a config file: a YAML document (a file may hold several, separated by {@code ---}), a JSON
 * file, or a whole .properties or .env file. YAML and JSON keep their tree, for the Kubernetes rules.
 */
final class ConfigDocument {
  private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController");

  private final Path file;
  private final LocatedYaml tree;
  private final List<ConfigEntry> entries;

  private ConfigDocument(Path file, LocatedYaml tree, Function<ConfigDocument, List<ConfigEntry>> entries) {
    this.file = file;
    this.tree = tree;
    this.entries = List.copyOf(entries.apply(this));
  }

  static ConfigDocument tree(Path file, LocatedYaml tree) {
    return new ConfigDocument(file, tree, TreeEntries::of);
  }

  static ConfigDocument flat(Path file, Function<ConfigDocument, List<ConfigEntry>> entries) {
    return new ConfigDocument(file, null, entries);
  }

  Path file() {
    return file;
  }

  List<ConfigEntry> entries() {
    return entries;
  }

  /** The node at a JSON pointer ({@code /spec/replicas}); missing for flat files. */
  JsonNode at(String pointer) {
    return tree == null ? MissingNode.getInstance() : tree.root().at(pointer);
  }

  /** The line of the node at a JSON pointer, or of its nearest parent. */
  int line(String pointer) {
    return tree == null ? 1 : tree.line(pointer);
  }

  /** Whether this is a Kubernetes object: a map with apiVersion and kind. */
  boolean isKubernetes() {
    return at("/apiVersion").isTextual() && at("/kind").isTextual();
  }

  String kind() {
    return isKubernetes() ? at("/kind").asText() : "";
  }

  String name() {
    return at("/metadata/name").asText("");
  }

  String namespace() {
    return at("/metadata/namespace").asText("");
  }

  boolean isWorkload() {
    return WORKLOADS.contains(kind());
  }

  /**
   * The application a Kubernetes object belongs to, for settings that exist once per application (replicas): a
   * workload's own name (what an HPA names), else its {@code app.kubernetes.io/name} or {@code app} label;
   * empty outside Kubernetes.
   */
  String application() {
    if (!isKubernetes()) {
      return "";
    }
    if (isWorkload()) {
      return name();
    }
    JsonNode labels = at("/metadata/labels");
    return labels.path("app.kubernetes.io/name").asText(labels.path("app").asText(""));
  }
}
