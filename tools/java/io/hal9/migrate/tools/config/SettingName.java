package io.hal9.migrate.tools.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which shared setting a key is, whatever file and style it is written in: {@code CLAUDE_MODEL} in a .env,
 * {@code model} in a configmap and {@code claude.model} in a .properties file are all "model". The key path is
 * cut into pieces ({@code .} and {@code /} split too, for dotted properties and annotation names); its last
 * three, two, then one pieces are tried, longest first, so {@code embedding: {model: ...}} is the embedding
 * model and not the model. Vendor and scope words (claude, default, hal9, api...) are left out.
 */
final class SettingName {
  private static final Set<String> FILLERS = Set.of("claude", "anthropic", "openai", "llm", "default", "hal9", "api", "global");
  private static final Map<String, String> SETTINGS = settings(Map.of(
      "model", List.of("model", "model name", "model version", "model id"),
      "embedding model", List.of("embedding model", "embeddings model", "embedding model name",
          "embedding model version", "embedding model id"),
      "rate limit", List.of("rate limit", "ratelimit", "rate limit requests"),
      "requests per minute", List.of("requests per minute", "request per minute", "max requests per minute",
          "rate limit per minute", "rate limit rpm", "rate limit requests per minute", "rpm", "limit rpm"),
      "requests per second", List.of("requests per second", "request per second", "max requests per second",
          "rate limit per second", "rate limit rps", "rate limit requests per second", "rps", "limit rps"),
      "replicas", List.of("replicas", "replica count", "replicas count", "num replicas")));

  private SettingName() {}

  static Optional<String> of(List<String> keys) {
    List<String> pieces = keys.stream().flatMap(key -> Arrays.stream(key.split("[./]"))).filter(p -> !p.isEmpty()).toList();
    for (int n = Math.min(3, pieces.size()); n >= 1; n--) {
      String words = KeyWords.of(String.join(" ", pieces.subList(pieces.size() - n, pieces.size()))).stream()
          .filter(word -> !FILLERS.contains(word))
          .collect(Collectors.joining(" "));
      String setting = SETTINGS.get(words);
      if (setting != null) {
        return Optional.of(setting);
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> settings(Map<String, List<String>> spellings) {
    return spellings.entrySet().stream()
        .flatMap(setting -> setting.getValue().stream().map(spelling -> Map.entry(spelling, setting.getKey())))
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));
  }
}
