package io.hal9.migrate.tools.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The settings of a YAML or JSON document: every scalar with its key path and line. */
final class TreeEntries {
  private TreeEntries() {}

  static List<ConfigEntry> of(ConfigDocument document) {
    List<ConfigEntry> entries = new ArrayList<>();
    walk(document, document.at(""), "", new ArrayList<>(), entries);
    return entries;
  }

  private static void walk(ConfigDocument document, JsonNode node, String pointer, List<String> path,
      List<ConfigEntry> entries) {
    if (node.isObject()) {
      if (isNameValuePair(node, path)) {
        // Kubernetes env (and the like): the setting is named by 'name', not by its position in the list.
        List<String> named = new ArrayList<>(path.subList(0, path.size() - 1));
        named.add(node.get("name").asText());
        entries.add(new ConfigEntry(document, List.copyOf(named), node.get("value").asText(), document.line(pointer + "/value")));
        return;
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (pointer.isEmpty() && field.getKey().equals("status") && document.isKubernetes()) {
          continue; // what the cluster reported, not configuration
        }
        path.add(field.getKey());
        walk(document, field.getValue(), pointer + "/" + escape(field.getKey()), path, entries);
        path.remove(path.size() - 1);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        path.add("[" + i + "]");
        walk(document, node.get(i), pointer + "/" + i, path, entries);
        path.remove(path.size() - 1);
      }
    } else if (!node.isNull() && !node.isMissingNode()) {
      entries.add(new ConfigEntry(document, List.copyOf(path), node.asText(), document.line(pointer)));
    }
  }

  private static boolean isNameValuePair(JsonNode node, List<String> path) {
    return !path.isEmpty() && ConfigEntry.isIndex(path.get(path.size() - 1))
        && node.path("name").isTextual() && node.path("value").isValueNode() && !node.get("value").isNull();
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
