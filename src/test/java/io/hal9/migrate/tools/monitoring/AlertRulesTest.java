package io.hal9.migrate.tools.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hal9.migrate.support.LocalServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert rules: valid and passing their unit tests by promtool itself (skipped without the Debian package
 * prometheus, unless HAL9_REQUIRE_PROMETHEUS is set), every alert tested both firing and not, and the Prometheus
 * Operator manifest carrying exactly the plain file's groups.
 */
class AlertRulesTest {
  private static final Path RULES = Path.of("tools/monitoring/alerts/hal9-migrate.rules.yml");
  private static final Path TESTS = Path.of("tools/monitoring/alerts/hal9-migrate.rules.test.yml");
  private static final Path MANIFEST = Path.of("tools/k8s/prometheusrule.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    assertPromtoolPasses("check", "rules", RULES.toString());
  }

  @Test
  void promtoolUnitTestsPass() throws Exception {
    assertPromtoolPasses("test", "rules", TESTS.toString());
  }

  @Test
  void everyAlertHasACaseThatFiresAndOneThatDoesNot() throws Exception {
    Set<String> alerts = alertNames(YAML.readTree(RULES.toFile()));
    assertThat(alerts).as("alerts in " + RULES).isNotEmpty();
    JsonNode tests = YAML.readTree(TESTS.toFile());
    assertThat(texts(tests.at("/rule_files"))).as("rule_files of " + TESTS).containsExactly(RULES.getFileName().toString());
    Set<String> firing = new LinkedHashSet<>();
    Set<String> silent = new LinkedHashSet<>();
    for (JsonNode group : tests.at("/tests")) {
      for (JsonNode test : group.path("alert_rule_test")) {
        String alert = test.path("alertname").asText();
        (test.path("exp_alerts").isEmpty() ? silent : firing).add(alert);
      }
    }
    assertThat(firing).as("alerts with an exp_alerts case in " + TESTS).containsAll(alerts);
    assertThat(silent).as("alerts with a case where nothing may fire in " + TESTS).containsAll(alerts);
    assertThat(alerts).as("alerts of " + RULES + " (a test names no other)").containsAll(firing).containsAll(silent);
  }

  @Test
  void theManifestCarriesExactlyThePlainFilesGroups() throws Exception {
    JsonNode rules = YAML.readTree(RULES.toFile());
    JsonNode manifest = YAML.readTree(MANIFEST.toFile());
    assertThat(manifest.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(manifest.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(manifest.at("/metadata/labels/app.kubernetes.io~1name").asText()).isEqualTo("hal9-migrate");
    List<String> groups = new ArrayList<>();
    rules.path("groups").forEach(group -> groups.add(group.path("name").asText()));
    assertThat(groups).as("groups of " + RULES).containsExactly("hal9-migrate");
    // Rule by rule first, so that a difference names its rule; then the whole, for anything else in a group.
    JsonNode expected = rules.path("groups");
    JsonNode actual = manifest.at("/spec/groups");
    assertThat(actual.size()).as(MANIFEST + " spec.groups count").isEqualTo(expected.size());
    for (int g = 0; g < expected.size(); g++) {
      JsonNode expectedRules = expected.get(g).path("rules");
      JsonNode actualRules = actual.get(g).path("rules");
      assertThat(texts(actualRules.findValues("alert"))).as(MANIFEST + " alerts of group " + g)
          .isEqualTo(texts(expectedRules.findValues("alert")));
      for (int r = 0; r < expectedRules.size(); r++) {
        assertThat(actualRules.get(r)).as(MANIFEST + " rule " + expectedRules.get(r).path("alert").asText()
            + " against " + RULES).isEqualTo(expectedRules.get(r));
      }
    }
    assertThat(actual).as(MANIFEST + " spec.groups against " + RULES + " groups").isEqualTo(expected);
  }

  private void assertPromtoolPasses(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(LocalServer.binary("promtool", "prometheus", "HAL9_REQUIRE_PROMETHEUS").toString());
    command.addAll(List.of(args));
    Path output = Files.createTempFile(dir, "promtool", ".log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(String.join(" ", command) + " did not finish in 60 s:\n" + Files.readString(output));
    }
    assertThat(process.exitValue()).as(String.join(" ", command) + " printed:\n" + Files.readString(output)).isZero();
  }

  private static Set<String> alertNames(JsonNode rules) {
    Set<String> names = new LinkedHashSet<>();
    for (JsonNode group : rules.path("groups")) {
      for (JsonNode rule : group.path("rules")) {
        if (rule.has("alert")) {
          names.add(rule.get("alert").asText());
        }
      }
    }
    return names;
  }

  private static List<String> texts(Iterable<JsonNode> nodes) {
    List<String> texts = new ArrayList<>();
    nodes.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
