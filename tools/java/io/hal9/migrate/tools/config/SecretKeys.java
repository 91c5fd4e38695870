package io.hal9.migrate.tools.config;

import java.util.List;
import java.util.Set;

/** Whether a key names a secret: an API key, a token, a password, credentials... */
final class SecretKeys {
  private static final Set<String> SECRET_WORDS = Set.of("token", "tokens", "password", "passwords", "passwd", "pwd",
      "pass", "passphrase", "secret", "secrets", "credential", "credentials", "auth", "authorization", "apikey",
      "privatekey");
  /** 'key' alone is too common (a secretKeyRef's key, a map key); these make it a secret's key. */
  private static final Set<String> KEY_KINDS = Set.of("api", "access", "private", "secret", "signing", "encryption",
      "client", "master", "license");

  private SecretKeys() {}

  static boolean isSecret(String key) {
    List<String> words = KeyWords.of(key);
    for (int i = 0; i < words.size(); i++) {
      if (SECRET_WORDS.contains(words.get(i)) || words.get(i).equals("key") && i > 0 && KEY_KINDS.contains(words.get(i - 1))) {
        return true;
      }
    }
    return false;
  }
}
