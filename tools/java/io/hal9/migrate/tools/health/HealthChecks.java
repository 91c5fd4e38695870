package io.hal9.migrate.tools.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads a {@code checks:} list (from a health step or a {@code --checks} file) into checks. Every entry names
 * its kind with {@code check:}; each kind has its own keys, and unknown kinds or keys are mistakes.
 */
public final class HealthChecks {
  private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

  static {
    kind("database", DatabaseCheck::new, "max-latency-ms");
    kind("disk", DiskCheck::new, "path", "warn-used-percent", "max-used-percent", "min-free-bytes");
    kind("port", PortCheck::new, "address", "expect");
    kind("neurons", NeuronsCheck::new, "table", "id-column", "layer-column", "state-column", "required", "sample",
        "max-latency-ms", "max-invalid");
    kind("checkpoint-lag", CheckpointLagCheck::new, "max-lag-seconds");
    kind("config", ConfigCheck::new, "paths");
  }

  private HealthChecks() {}

  /** Where a mistake is: entry {@code index} (from 0) of the list, at {@code key} (null: the entry itself). */
  public interface CheckProblems {
    void report(int index, String key, String message);
  }

  private record Kind(Function<CheckEntry, HealthCheck> factory, Set<String> keys) {}

  private static void kind(String name, Function<CheckEntry, HealthCheck> factory, String... keys) {
    KINDS.put(name, new Kind(factory, Set.of(keys)));
  }

  /** The kinds there are, for messages and documentation. */
  public static Set<String> kinds() {
    return KINDS.keySet();
  }

  /**
   * The checks of {@code list}, with relative paths resolved against {@code base}. Mistakes go to
   * {@code problems}; the checks returned are complete only when none were reported.
   */
  public static List<HealthCheck> parse(JsonNode list, Path base, CheckProblems problems) {
    List<HealthCheck> checks = new ArrayList<>();
    if (list == null || !list.isArray() || list.isEmpty()) {
      problems.report(-1, null, "expected a list of checks, each with 'check:' one of " + String.join(", ", KINDS.keySet()));
      return checks;
    }
    for (int i = 0; i < list.size(); i++) {
      JsonNode node = list.get(i);
      JsonNode kindName = node.get("check");
      Kind kind = kindName == null || !kindName.isTextual() ? null : KINDS.get(kindName.asText());
      if (kind == null) {
        problems.report(i, "check", "check " + (i + 1) + ": expected 'check:' one of " + String.join(", ", KINDS.keySet())
            + ", got " + (kindName == null ? "nothing" : kindName));
        continue;
      }
      CheckEntry entry = new CheckEntry(node, i, kindName.asText(), base, problems);
      Set<String> unknown = new TreeSet<>();
      for (Iterator<String> keys = node.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!key.equals("check") && !kind.keys().contains(key)) {
          unknown.add(key);
        }
      }
      unknown.forEach(key -> entry.problem(key, "unknown key (known: " + String.join(", ", new TreeSet<>(kind.keys())) + ")"));
      checks.add(kind.factory().apply(entry));
    }
    return checks;
  }
}
