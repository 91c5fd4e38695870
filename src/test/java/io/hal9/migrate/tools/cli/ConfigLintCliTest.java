package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config lint} on the command line: findings, summary, exit codes 0, 2 and 5, and its JSON document. */
class ConfigLintCliTest {
  private static final String BROKEN = "src/test/resources/config-lint/broken";
  private static final String CLEAN = "src/test/resources/config-lint/clean";

  private final Cli cli = new Cli(null, null); // lint needs no database or plans

  @TempDir Path dir;

  @Test
  void errorsPrintOneLinePerFindingAndExit5() {
    Cli.Result lint = cli.raw("config", "lint", BROKEN);

    assertThat(lint.exit()).as(lint.toString()).isEqualTo(5);
    List<String> lines = lint.out().lines().toList();
    assertThat(lines).hasSize(14);
    assertThat(lines.get(0)).isEqualTo(BROKEN + "/.env:2: placeholder-secret: ANTHROPIC_API_KEY is a placeholder 'sk-ant-CHANGE_ME'");
    assertThat(lines).allMatch(line -> line.matches("\\Q" + BROKEN + "\\E/[^:]+:\\d+: [a-z-]+: .+"));
    assertThat(lint.errors()).containsExactly("config lint: 13 errors, 1 warning");
  }

  @Test
  void jsonListsTheFindingsBesideTheError() {
    Cli.Result lint = cli.raw("config", "lint", BROKEN, "--json");

    assertThat(lint.exit()).as(lint.toString()).isEqualTo(5);
    JsonNode json = lint.json();
    assertThat(json.get("ok").asBoolean()).isFalse();
    assertThat(json.get("command").asText()).isEqualTo("config lint");
    assertThat(json.get("errors").asInt()).isEqualTo(13);
    assertThat(json.get("warnings").asInt()).isEqualTo(1);
    assertThat(json.get("findings")).hasSize(14);
    JsonNode first = json.at("/findings/0");
    assertThat(first.get("file").asText()).isEqualTo(BROKEN + "/.env");
    assertThat(first.get("line").asInt()).isEqualTo(2);
    assertThat(first.get("severity").asText()).isEqualTo("error");
    assertThat(first.get("rule").asText()).isEqualTo("placeholder-secret");
    assertThat(first.get("message").asText()).isEqualTo("ANTHROPIC_API_KEY is a placeholder 'sk-ant-CHANGE_ME'");
    assertThat(json.at("/findings/2/severity").asText()).isEqualTo("error");
    assertThat(json.at("/findings/3/severity").asText()).isEqualTo("warning");
    assertThat(json.at("/error/code").asText()).isEqualTo("CONFIG_INVALID");
    assertThat(json.at("/error/exitCode").asInt()).isEqualTo(5);
    assertThat(json.at("/error/details")).hasSize(14);
    assertThat(json.at("/error/details/0").asText()).isEqualTo(BROKEN + "/.env:2: placeholder-secret: ANTHROPIC_API_KEY is a placeholder 'sk-ant-CHANGE_ME'");
  }

  @Test
  void cleanConfigsExit0() {
    Cli.Result lint = cli.raw("config", "lint", CLEAN, "tools/k8s");
    assertThat(lint.exit()).as(lint.toString()).isZero();
    assertThat(lint.out()).isEqualTo("config lint: 0 errors, 0 warnings\n");

    Cli.Result json = cli.raw("--json", "config", "lint", CLEAN);
    assertThat(json.exit()).as(json.toString()).isZero();
    assertThat(json.json().get("ok").asBoolean()).isTrue();
    assertThat(json.json().get("command").asText()).isEqualTo("config lint");
    assertThat(json.json().get("findings")).isEmpty();
    assertThat(json.json().get("errors").asInt()).isZero();
    assertThat(json.json().get("warnings").asInt()).isZero();
  }

  @Test
  void warningsAloneExit0() throws Exception {
    Files.writeString(dir.resolve("app.env"), "RATE_LIMIT=100\nGRAFANA_URL=${GRAFANA_URL}\n");
    Files.writeString(dir.resolve("gateway.yaml"), "rateLimit: 100\n");

    Cli.Result lint = cli.raw("config", "lint", dir.toString());
    assertThat(lint.exit()).as(lint.toString()).isZero();
    assertThat(lint.out().lines()).containsExactly(
        dir.resolve("app.env") + ":2: placeholder-value: GRAFANA_URL is an unresolved reference '${GRAFANA_URL}'",
        "config lint: 0 errors, 1 warning");
  }

  @Test
  void missingPathExit2() {
    Cli.Result lint = cli.raw("config", "lint", CLEAN, "no/such/dir");
    assertThat(lint.exit()).as(lint.toString()).isEqualTo(2);
    assertThat(lint.errors()).containsExactly("no/such/dir: no such file or directory");

    Cli.Result json = cli.raw("config", "lint", "no/such/dir", "--json");
    assertThat(json.exit()).isEqualTo(2);
    assertThat(json.json().at("/error/code").asText()).isEqualTo("CONFIG_UNREADABLE");
    assertThat(json.json().at("/error/exitCode").asInt()).isEqualTo(2);
  }

  @Test
  void brokenYamlExit2WithItsLine() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: 1\n   b: 2\n");

    Cli.Result lint = cli.raw("config", "lint", bad.toString());
    assertThat(lint.exit()).as(lint.toString()).isEqualTo(2);
    assertThat(lint.errors()).singleElement().asString().startsWith(bad + ":5: invalid YAML: ");
    assertThat(lint.out()).isEmpty();
  }

  @Test
  void pathsAreRequired() {
    List<String> args = new ArrayList<>(List.of("config", "lint"));
    Cli.Result lint = cli.raw(args.toArray(String[]::new));
    assertThat(lint.exit()).isEqualTo(2);
    assertThat(lint.errors()).singleElement().asString().contains("PATH");
  }
}
