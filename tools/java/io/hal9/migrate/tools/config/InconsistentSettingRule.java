package io.hal9.migrate.tools.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code inconsistent-setting}: one setting ({@link SettingName}) given different values by different files.
 *
 * <p>Files are compared, not keys within a file: a file that sets the model per layer, or runs two containers,
 * says so on purpose; a configmap, a deployment and a .env that disagree do not. A setting is reported when
 * the files' sets of values are not all the same, once, at its first occurrence, with every file:line and
 * value.
 *
 * <p>Replicas exist per application: a workload's own {@code spec.replicas} is the setting "replicas of NAME",
 * and so is a {@code replicas} key in a configmap labelled {@code app: NAME}; two Deployments are never
 * compared with each other. Other settings are global.
 *
 * <p>Severity: an error for models and replicas (two model versions serving at once is the HAL9 incident); a
 * warning for rate limits, which are often layered on purpose (an ingress stricter than the application) and
 * whose unit a bare {@code rate_limit} does not say. Secrets and placeholder values take no part.
 */
final class InconsistentSettingRule implements ConfigRule {
  static final String NAME = "inconsistent-setting";
  private static final Set<String> ERRORS = Set.of("model", "embedding model", "replicas");
  private static final Comparator<ConfigEntry> BY_PLACE =
      Comparator.comparing((ConfigEntry e) -> e.document().file().toString()).thenComparingInt(ConfigEntry::line);

  @Override
  public void check(List<ConfigDocument> documents, List<Finding> findings) {
    Map<String, List<ConfigEntry>> settings = new TreeMap<>();
    for (ConfigDocument document : documents) {
      for (ConfigEntry entry : document.entries()) {
        Optional<String> setting = SettingName.of(entry.keys());
        if (setting.isEmpty() || entry.value().isBlank() || SecretKeys.isSecret(entry.key())
            || Placeholders.describe(entry.value()).isPresent()) {
          continue;
        }
        String name = setting.get();
        String application = document.application();
        String id = name.equals("replicas") && !application.isEmpty() ? name + " of " + application : name;
        settings.computeIfAbsent(id, k -> new ArrayList<>()).add(entry);
      }
    }
    settings.forEach((id, entries) -> {
      if (disagree(entries)) {
        entries.sort(BY_PLACE);
        ConfigEntry first = entries.get(0);
        Severity severity = ERRORS.contains(id.split(" of ")[0]) ? Severity.ERROR : Severity.WARNING;
        findings.add(new Finding(first.document().file(), first.line(), severity, NAME,
            "setting '" + id + "' differs between files: " + places(first.document().file(), entries)));
      }
    });
  }

  private static boolean disagree(List<ConfigEntry> entries) {
    Map<Path, Set<String>> valuesByFile = new LinkedHashMap<>();
    entries.forEach(e -> valuesByFile.computeIfAbsent(e.document().file(), f -> new TreeSet<>()).add(normal(e.value())));
    return valuesByFile.values().stream().distinct().count() > 1;
  }

  /** {@code 'a' at f:1, g:2; 'b' at h:3}: each value once, in order of first appearance. */
  private static String places(Path from, List<ConfigEntry> entries) {
    Map<String, List<ConfigEntry>> byValue = new LinkedHashMap<>();
    entries.forEach(e -> byValue.computeIfAbsent(normal(e.value()), v -> new ArrayList<>()).add(e));
    return byValue.values().stream()
        .map(same -> "'" + same.get(0).value().strip() + "' at "
            + same.stream().map(e -> Places.of(from, e.document().file(), e.line())).collect(Collectors.joining(", ")))
        .collect(Collectors.joining("; "));
  }

  /** Numbers compare by value ("100" = 100 = 100.0), text as written. */
  private static String normal(String value) {
    String trimmed = value.strip();
    try {
      return new BigDecimal(trimmed).stripTrailingZeros().toPlainString();
    } catch (NumberFormatException e) {
      return trimmed;
    }
  }
}
