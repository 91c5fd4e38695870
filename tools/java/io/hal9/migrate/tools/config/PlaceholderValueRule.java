package io.hal9.migrate.tools.config;

import java.util.List;
import java.util.Optional;

/**
 * {@code placeholder-value} (a warning): an ordinary setting left as a placeholder ({@code <grafana-url>},
 * {@code TODO}, an unresolved {@code ${VAR}}). Unlike a placeholder secret it may be filled in on purpose at
 * deploy time (by envsubst, Spring, the platform), so it is worth a look rather than a failure.
 */
final class PlaceholderValueRule implements ConfigRule {
  static final String NAME = "placeholder-value";

  @Override
  public void check(List<ConfigDocument> documents, List<Finding> findings) {
    for (ConfigDocument document : documents) {
      for (ConfigEntry entry : document.entries()) {
        if (!PlaceholderSecretRule.inSecret(entry).isEmpty() || SecretKeys.isSecret(entry.key())) {
          continue; // placeholder-secret's
        }
        Optional<String> placeholder = Placeholders.describe(entry.value());
        placeholder.ifPresent(how -> findings.add(new Finding(document.file(), entry.line(), Severity.WARNING, NAME,
            entry.key() + " is " + how)));
      }
    }
  }
}
