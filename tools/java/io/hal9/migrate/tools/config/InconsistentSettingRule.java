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
 * <p>Replicas exist per application and namespace: a workload's own {@code spec.replicas} is the setting
 * "replicas of [NAMESPACE/]NAME", and so is a {@code replicas} key in a configmap labelled {@code app: NAME}
 * in the same namespace; two Deployments are never compared with each other, nor staging with production.
 * Other settings are global.
 *
 * <p>Every mismatch is an error: HAL9's report found exactly these (model versions differing between the
 * configmap, the deployment and the layer settings; rate limits of 1000 against 100, an ingress at 10 against
 * 100), and each was a live misconfiguration. Requests per minute, per second and a bare rate limit stay
 * separate settings, since their units differ. Secrets and placeholder values take no part.
 */
final class InconsistentSettingRule implements ConfigRule {
  static final String NAME = "inconsistent-setting";
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
        String application = document.namespace().isEmpty() ? document.application()
            : document.namespace() + "/" + document.application();
        String id = name.equals("replicas") && !document.application().isEmpty() ? name + " of " + application : name;
        settings.computeIfAbsent(id, k -> new ArrayList<>()).add(entry);
      }
    }
    settings.forEach((id, entries) -> {
      if (disagree(entries)) {
        entries.sort(BY_PLACE);
        ConfigEntry first = entries.get(0);
        findings.add(new Finding(first.document().file(), first.line(), Severity.ERROR, NAME,
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
