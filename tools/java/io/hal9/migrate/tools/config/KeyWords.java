package io.hal9.migrate.tools.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A key as lower-case words, whatever its style: {@code rateLimit}, {@code rate_limit}, {@code rate-limit},
 * {@code RATE_LIMIT} and {@code rate.limit} are all {@code [rate, limit]}.
 */
final class KeyWords {
  private KeyWords() {}

  static List<String> of(String key) {
    String spaced = key
        .replaceAll("([a-z0-9])([A-Z])", "$1 $2") // modelVersion -> model Version
        .replaceAll("([A-Z]+)([A-Z][a-z])", "$1 $2"); // APIKey -> API Key
    return Arrays.stream(spaced.split("[^A-Za-z0-9]+"))
        .filter(word -> !word.isEmpty())
        .map(word -> word.toLowerCase(Locale.ROOT))
        .toList();
  }
}
