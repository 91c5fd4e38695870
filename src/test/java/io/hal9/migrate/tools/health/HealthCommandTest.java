package io.hal9.migrate.tools.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hal9-migrate health}: text and --json, exit 0 or 5, and a bad checks file as exit 2 with its line. */
class HealthCommandTest {
  @TempDir Path dir;

  @OnBothDatabases
  void defaultChecksPassOnAHealthyDatabase(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE present (x INT)"); // health never creates the database it checks
    Cli.Result health = new Cli(db, dir).run("health", "--json");

    assertThat(health.exit()).as(health.toString()).isZero();
    JsonNode json = health.json();
    assertThat(json.at("/ok").asBoolean()).isTrue();
    assertThat(json.at("/command").asText()).isEqualTo("health");
    assertThat(json.at("/healthy").asBoolean()).isTrue();
    assertThat(json.at("/checks").findValuesAsText("check")).containsExactly("database", "disk", "checkpoint-lag");
  }

  @OnBothDatabases
  void failedCheckIsExit5NamingCheckFigureAndThresholdWithEveryResultInJson(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE present (x INT)");
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + server.getLocalPort();
      Plans.in(dir).file("checks.yaml", "checks:\n  - check: database\n    max-latency-ms: 5000\n"
          + "  - check: port\n    address: " + address + "\n    expect: free\n");
      Cli cli = new Cli(db, dir);

      Cli.Result text = cli.run("health", "--checks", dir.resolve("checks.yaml").toString());
      Cli.Result json = cli.run("health", "--checks", dir.resolve("checks.yaml").toString(), "--json");

      assertThat(text.exit()).as(text.toString()).isEqualTo(5);
      assertThat(text.out()).contains("ok       database").contains("failed   port " + address + "  expected free, but ")
          .contains("health: 2 checks: 1 ok, 1 failed");
      assertThat(text.errors()).singleElement().asString()
          .startsWith("health check failed: port " + address + ": expected free, but " + address + " is listening, held by pid "
              + ProcessHandle.current().pid());
      assertThat(json.exit()).isEqualTo(5);
      assertThat(json.json().at("/ok").asBoolean()).isFalse();
      assertThat(json.json().at("/healthy").asBoolean()).isFalse();
      assertThat(json.json().at("/checks/0/status").asText()).isEqualTo("ok");
      assertThat(json.json().at("/checks/1/status").asText()).isEqualTo("failed");
      assertThat(json.json().at("/checks/1/measured/listening").asBoolean()).isTrue();
      assertThat(json.json().at("/checks/1/limits/expect").asText()).isEqualTo("free");
      assertThat(json.json().at("/error/code").asText()).isEqualTo("HEALTH_FAILED");
      assertThat(json.json().at("/error/exitCode").asInt()).isEqualTo(5);
    }
  }

  @Test
  void aDiskWithLessAvailableThanMinFreeBytesFails() throws Exception {
    Plans.in(dir).file("checks.yaml", "checks:\n  - check: disk\n    path: .\n    max-used-percent: 100\n"
        + "    min-free-bytes: 1.0e18\n");
    Cli.Result json = Cli.withoutDatabase(dir).run("health", "--checks", dir.resolve("checks.yaml").toString(), "--json");
    assertThat(json.exit()).as(json.toString()).isEqualTo(5);
    assertThat(json.json().at("/checks/0/limits/minFreeBytes").asLong()).isEqualTo(1_000_000_000_000_000_000L);
    assertThat(json.json().at("/checks/0/message").asText()).contains(" GiB available < min 931322574.6 GiB (used ");
  }

  @Test
  void aMissingEmbeddedDatabaseFailsTheCheckAndIsNotCreated() {
    Path file = dir.resolve("absent/hal9");

    Cli.Result health = new Cli(null, dir).raw("health", "--url", "jdbc:h2:file:" + file, "--json");

    assertThat(health.exit()).as(health.toString()).isEqualTo(5);
    assertThat(health.json().at("/checks/0/status").asText()).isEqualTo("failed");
    assertThat(health.json().at("/checks/0/message").asText()).startsWith("cannot connect to jdbc:h2:file:" + file)
        .contains("not found");
    assertThat(dir.resolve("absent")).doesNotExist();
  }

  @Test
  void missingOrUnreadableChecksFileIsConfigUnreadableNamingIt() throws Exception {
    // Nothing to parse, so not a mistake in the file: the file itself cannot be read. Nothing is measured.
    Path missing = dir.resolve("missing.yml");
    Path folder = Files.createDirectories(dir.resolve("checks.d"));
    for (Path file : new Path[] {missing, folder}) {
      Cli.Result text = new Cli(null, dir).raw("health", "--checks", file.toString());
      Cli.Result json = new Cli(null, dir).raw("health", "--checks", file.toString(), "--json");

      assertThat(text.exit()).as(text.toString()).isEqualTo(2);
      assertThat(text.out()).isEmpty();
      assertThat(text.errors()).containsExactly(file + ": cannot read the checks file: "
          + (file.equals(missing) ? "no such file" : "a directory"));
      assertThat(json.exit()).isEqualTo(2);
      assertThat(json.json().at("/error/code").asText()).isEqualTo("CONFIG_UNREADABLE");
      assertThat(json.json().at("/error/exitCode").asInt()).isEqualTo(2);
      assertThat(json.json().at("/error/message").asText()).isEqualTo(text.errors().get(0));
    }
  }

  @OnBothDatabases
  void badChecksFileIsExit2WithFileLineAndKey(TestDatabase db) {
    Plans.in(dir).file("checks.yaml", "checks:\n  - check: disk\n    path: /\n  - check: neurons\n    sample: -3\nextra: 1\n");

    Cli.Result health = new Cli(db, dir).run("health", "--checks", dir.resolve("checks.yaml").toString());

    assertThat(health.exit()).isEqualTo(2);
    assertThat(health.errors()).containsExactly(
        dir.resolve("checks.yaml") + ":6: unknown key 'extra' (expected only 'checks')",
        dir.resolve("checks.yaml") + ":5: check 2 (neurons): key 'sample': expected neurons from 1 to 100000, got -3");
    Cli.Result json = new Cli(db, dir).run("health", "--checks", dir.resolve("checks.yaml").toString(), "--json");
    assertThat(json.json().at("/error/code").asText()).isEqualTo("PLAN_INVALID");
  }
}
