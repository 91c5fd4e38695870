package io.hal9.migrate.tools.config;

import java.util.List;

/**
 * One setting of a config file: its key path (array items as {@code [i]}), its value as text and the line of
 * the value. A Kubernetes env item {@code {name: X, value: V}} is the entry {@code ...env.X = V}.
 */
record ConfigEntry(ConfigDocument document, List<String> path, String value, int line) {
  /** The key itself: the last key of the path ({@code api.key} for a .properties line, a YAML leaf otherwise). */
  String key() {
    for (int i = path.size() - 1; i >= 0; i--) {
      if (!isIndex(path.get(i))) {
        return path.get(i);
      }
    }
    return "";
  }

  /** The keys of the path, array positions left out. */
  List<String> keys() {
    return path.stream().filter(segment -> !isIndex(segment)).toList();
  }

  static boolean isIndex(String segment) {
    return segment.startsWith("[");
  }
}
