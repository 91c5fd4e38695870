package io.hal9.migrate.tools.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values that stand in for a real one: {@code your-api-key-here}, {@code sk-ant-CHANGE_ME},
 * {@code sk-ant-api03-xxx}, {@code <token>}, {@code TODO}, and {@code ${VAR}} references nothing resolves in a
 * static file.
 */
final class Placeholders {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{[^}]*}");
  private static final Pattern[] PLACEHOLDERS = {
    Pattern.compile("<[^<>]*>"),
    Pattern.compile("(?i)(your|insert|enter|put)[-_ ].*|.*[-_ ]here"),
    Pattern.compile("(?i).*(^|[^a-z0-9])(change[-_ ]?(me|it)|replace[-_ ]?me|set[-_ ]?me|fill[-_ ]?me|todo|tbd|fixme"
        + "|placeholder|dummy|x{3,})($|[^a-z0-9]).*"),
    Pattern.compile("\\*{3,}|\\.{3,}"),
  };

  private Placeholders() {}

  /** How {@code value} is a placeholder ("a placeholder 'xxx'"), if it is one. */
  static Optional<String> describe(String value) {
    Matcher reference = REFERENCE.matcher(value);
    if (reference.find()) {
      return Optional.of("an unresolved reference '" + reference.group() + "'"); // only the reference: the rest may be real
    }
    String trimmed = value.strip();
    for (Pattern placeholder : PLACEHOLDERS) {
      if (placeholder.matcher(trimmed).matches()) {
        return Optional.of("a placeholder '" + trimmed + "'");
      }
    }
    return Optional.empty();
  }
}
