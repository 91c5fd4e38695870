package io.hal9.migrate.tools.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How config lint reads keys and values: which setting a key is, which keys are secrets, which values placeholders. */
class ConfigLintKeysTest {

  /** A key path, its keys separated by '>' ('/' and '.' belong to keys such as annotation names). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "model                                  | model",
      "CLAUDE_MODEL                           | model",
      "modelVersion                           | model",
      "claude.model                           | model",
      "layers>L3>model                        | model",
      "llm>default_model_name                 | model",
      "EMBEDDING_MODEL                        | embedding model",
      "embedding>model                        | embedding model",
      "hal9>embedding>model                   | embedding model",
      "rate_limit                             | rate limit",
      "rateLimit                              | rate limit",
      "RATE_LIMIT                             | rate limit",
      "hal9.rate.limit                        | rate limit",
      "api>rate-limit                         | rate limit",
      "requests_per_minute                    | requests per minute",
      "rateLimit>requestsPerMinute            | requests per minute",
      "RATE_LIMIT_RPS                         | requests per second",
      "metadata>annotations>nginx.ingress.kubernetes.io/limit-rps | requests per second",
      "spec>replicas                          | replicas",
      "REPLICAS                               | replicas",
  })
  void keysNameTheirSetting(String path, String setting) {
    assertThat(SettingName.of(List.of(path.split(">")))).contains(setting);
  }

  @ParameterizedTest
  @ValueSource(strings = {"spec>minReplicas", "spec>maxReplicas", "metadata>name", "model_temperature", "timeout",
      "nginx.ingress.kubernetes.io/limit-connections"})
  void otherKeysAreNoSetting(String path) {
    assertThat(SettingName.of(List.of(path.split(">")))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"api_key", "apiKey", "API_KEY", "ANTHROPIC_API_KEY", "apikey", "api.key", "token",
      "GITHUB_TOKEN", "password", "DB_PASS", "passwordFile", "secret", "client_secret", "credentials", "auth",
      "privateKey", "AccessKey"})
  void secretKeys(String key) {
    assertThat(SecretKeys.isSecret(key)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"key", "name", "keyName", "monkey", "author", "bypass", "LOG_LEVEL", "model"})
  void keysThatAreNoSecret(String key) {
    assertThat(SecretKeys.isSecret(key)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"your-api-key-here", "YOUR_TOKEN_HERE", "sk-ant-CHANGE_ME", "sk-ant-api03-xxx", "sk-xxxx",
      "changeme", "change-me", "changeit", "replace_me", "TODO", "<api key>", "xxx", "XXXXXXXX", "placeholder",
      "insert-token-here", "********"})
  void placeholders(String value) {
    assertThat(Placeholders.describe(value)).contains("a placeholder '" + value + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"KJrtct2fgiCnrlT9V-q81ryJ95txHeS64D-EGG-7D0nFfcwB", "sk-ant-api03-Xx7_q2LmTodoa9", "hunter2hunter2",
      "boxxx-9", ""})
  void realLookingValuesAreNoPlaceholders(String value) {
    assertThat(Placeholders.describe(value)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"${DB_PASSWORD}", "postgres://hal9:${DB_PASSWORD}@db/hal9"})
  void referencesAreUnresolvedAndOnlyTheReferenceIsShown(String value) {
    assertThat(Placeholders.describe(value)).isEqualTo(Optional.of("an unresolved reference '${DB_PASSWORD}'"));
  }
}
