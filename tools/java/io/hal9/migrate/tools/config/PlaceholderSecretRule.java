package io.hal9.migrate.tools.config;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * {@code placeholder-secret}: a secret (by its key's name, or any value of a Kubernetes Secret) left as a
 * placeholder. A Secret's {@code data} is base64 and is decoded first; {@code stringData} is plain. Only
 * placeholders are shown: a real secret's value never appears in a message.
 */
final class PlaceholderSecretRule implements ConfigRule {
  static final String NAME = "placeholder-secret";

  @Override
  public void check(List<ConfigDocument> documents, List<Finding> findings) {
    for (ConfigDocument document : documents) {
      for (ConfigEntry entry : document.entries()) {
        String section = inSecret(entry);
        if (section.isEmpty() && !SecretKeys.isSecret(entry.key())) {
          continue;
        }
        String value = entry.value();
        String how = "is ";
        if (section.equals("data")) {
          value = decoded(value);
          how = "decodes (base64) to ";
          if (value == null) {
            continue; // not base64: the API server rejects it, nothing to say about placeholders
          }
        }
        Optional<String> placeholder = Placeholders.describe(value);
        if (placeholder.isPresent()) {
          findings.add(new Finding(document.file(), entry.line(), Severity.ERROR, NAME, entry.key() + " " + how + placeholder.get()));
        }
      }
    }
  }

  /** "data" or "stringData" for a value of a Kubernetes Secret, else empty. */
  static String inSecret(ConfigEntry entry) {
    if (!entry.document().kind().equals("Secret") || entry.path().size() != 2) {
      return "";
    }
    String section = entry.path().get(0);
    return section.equals("data") || section.equals("stringData") ? section : "";
  }

  private static String decoded(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
