package io.hal9.migrate.tools.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks that need no database: disk against df, ports by binding and connecting, and the checks' keys. */
class HealthChecksTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void diskUsedPercentMatchesDfWithinOnePoint() throws Exception {
    CheckResult disk = one("{\"check\":\"disk\",\"path\":\"" + dir + "\",\"max-used-percent\":100,\"warn-used-percent\":100}");

    double used = disk.measured().get("usedPercent") instanceof Double d ? d : Double.NaN;
    assertThat(used).isCloseTo(dfPercent(dir), org.assertj.core.data.Offset.offset(1.0));
    assertThat(disk.status()).isEqualTo(CheckStatus.OK);
    assertThat(disk.subject()).isEqualTo(dir.toString());
  }

  @Test
  void diskAboveItsMaximumFailsNamingFigureAndThreshold() throws Exception {
    double used = dfPercent(dir);
    assumeTrue(used >= 3, "the filesystem must be used for a limit below its use");
    double max = Math.floor(used) - 2;

    CheckResult disk = one("{\"check\":\"disk\",\"path\":\"" + dir + "\",\"max-used-percent\":" + max + "}");

    assertThat(disk.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(disk.message()).matches("used \\d+\\.?\\d*% > max " + (long) max + "% .*");
  }

  @Test
  void diskBetweenWarningAndMaximumWarns() throws Exception {
    double used = dfPercent(dir);
    assumeTrue(used >= 3, "the filesystem must be used for a limit below its use");
    CheckResult disk = one("{\"check\":\"disk\",\"path\":\"" + dir + "\",\"warn-used-percent\":" + (Math.floor(used) - 2)
        + ",\"max-used-percent\":100}");

    assertThat(disk.status()).isEqualTo(CheckStatus.WARNING);
    assertThat(disk.message()).contains("> warn");
  }

  @Test
  void diskOnAMissingPathFails() throws Exception {
    CheckResult disk = one("{\"check\":\"disk\",\"path\":\"" + dir.resolve("nope") + "\"}");

    assertThat(disk.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(disk.message()).startsWith("cannot read the filesystem: ");
  }

  @Test
  void takenPortFailsAFreeExpectationAndNamesTheProcessHoldingIt() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + server.getLocalPort();

      CheckResult free = one("{\"check\":\"port\",\"address\":\"" + address + "\",\"expect\":\"free\"}");
      CheckResult listening = one("{\"check\":\"port\",\"address\":\"" + address + "\",\"expect\":\"listening\"}");

      assertThat(free.status()).isEqualTo(CheckStatus.FAILED);
      assertThat(free.message()).isEqualTo("expected free, but " + address + " is listening, held by pid "
          + ProcessHandle.current().pid() + " (java)");
      assertThat(listening.status()).isEqualTo(CheckStatus.OK);
    }
  }

  @Test
  void theHoldersCommandLineIsNeverShownForItMayHoldSecrets() throws Exception {
    Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), PortHolder.class.getName(), "--password=hunter2").start();
    try {
      String port = new String(holder.getInputStream().readNBytes(5), StandardCharsets.UTF_8).trim();
      String address = "127.0.0.1:" + port;

      CheckResult free = one("{\"check\":\"port\",\"address\":\"" + address + "\"}");

      assertThat(free.message()).isEqualTo("expected free, but " + address + " is listening, held by pid " + holder.pid() + " (java)");
      assertThat(free.toMap().toString()).doesNotContain("hunter2");
    } finally {
      holder.destroyForcibly();
    }
  }

  /** Holds a port, printing its number (5 characters), with a secret on its command line. */
  public static final class PortHolder {
    public static void main(String[] args) throws Exception {
      try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
        System.out.printf("%-5d", server.getLocalPort()).flush();
        Thread.sleep(60_000);
      }
    }
  }

  @Test
  void anAddressOfAnotherMachineCannotBeCheckedForFreeAndSaysSo() throws Exception {
    CheckResult free = one("{\"check\":\"port\",\"address\":\"192.0.2.1:8080\",\"expect\":\"free\"}");

    assertThat(free.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(free.message()).isEqualTo("cannot check: 192.0.2.1 is not an address of this machine, so whether its port is "
        + "free cannot be tried");
  }

  @Test
  void closedPortIsFreeAndNotListening() throws Exception {
    int port;
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      port = server.getLocalPort();
    }
    String address = "127.0.0.1:" + port;

    CheckResult free = one("{\"check\":\"port\",\"address\":\"" + address + "\"}");
    CheckResult listening = one("{\"check\":\"port\",\"address\":\"" + address + "\",\"expect\":\"listening\"}");

    assertThat(free.status()).isEqualTo(CheckStatus.OK);
    assertThat(free.message()).isEqualTo(address + " is free");
    assertThat(listening.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(listening.message()).isEqualTo("expected listening, but " + address + " is free");
  }

  @Test
  void unreachableDatabaseFailsTheDatabaseCheckAndOnlyIt() throws Exception {
    List<CheckResult> results = run("[{\"check\":\"database\"},{\"check\":\"disk\",\"path\":\"" + dir
        + "\",\"max-used-percent\":100}]", "jdbc:postgresql://127.0.0.1:1/nope");

    assertThat(results.get(0).status()).isEqualTo(CheckStatus.FAILED);
    assertThat(results.get(0).message()).startsWith("cannot connect to jdbc:postgresql://127.0.0.1:1/nope: ");
    assertThat(results.get(1).status()).isEqualTo(CheckStatus.OK);
  }

  @Test
  void configWithErrorFindingsFailsAndCleanConfigPasses() throws Exception {
    Path broken = Path.of("src/test/resources/config-lint/broken").toAbsolutePath();
    Path clean = Path.of("src/test/resources/config-lint/clean").toAbsolutePath();

    CheckResult failed = one("{\"check\":\"config\",\"paths\":[\"" + broken + "\"]}");
    CheckResult passed = one("{\"check\":\"config\",\"paths\":\"" + clean + "\"}");

    assertThat(failed.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(failed.measured()).containsEntry("errors", 13).containsEntry("warnings", 1);
    assertThat(failed.message()).startsWith("13 error findings > max 0: " + broken.resolve(".env") + ":2: placeholder-secret: ")
        .endsWith("; and 10 more");
    assertThat(passed.status()).isEqualTo(CheckStatus.OK);
    assertThat(passed.message()).isEqualTo("0 errors, 0 warnings");
  }

  @Test
  void mistakesNameTheCheckAndKey() throws Exception {
    List<String> problems = new ArrayList<>();
    HealthChecks.parse(JSON.readTree("[{\"check\":\"disk\",\"max-used-percent\":120,\"colour\":1},"
        + "{\"check\":\"port\",\"address\":\"localhost\"},{\"check\":\"dsik\"},"
        + "{\"check\":\"port\",\"address\":\"h:1\",\"expect\":\"open\"}]"), dir, (index, key, message) -> problems.add(index + " " + message));

    assertThat(problems).containsExactly(
        "0 check 1 (disk): key 'colour': unknown key (known: max-used-percent, min-free-bytes, path, warn-used-percent)",
        "0 check 1 (disk): key 'max-used-percent': expected a percentage from 0 to 100, got 120",
        "1 check 2 (port): key 'address': expected host:port with a port from 1 to 65535, got 'localhost'",
        "2 check 3: expected 'check:' one of database, disk, port, neurons, checkpoint-lag, config, got \"dsik\"",
        "3 check 4 (port): key 'expect': expected free or listening, got 'open'");
  }

  private CheckResult one(String check) throws Exception {
    return run("[" + check + "]", "jdbc:postgresql://127.0.0.1:1/unused").get(0);
  }

  private List<CheckResult> run(String checks, String url) throws Exception {
    JsonNode list = JSON.readTree(checks);
    try (HealthTarget target = HealthTarget.connecting(url, null, null)) {
      return HealthReport.run(HealthChecks.parse(list, dir, (index, key, message) -> {
        throw new AssertionError(message);
      }), target).results();
    }
  }

  /** What df says, rounded as df rounds (up). */
  private static double dfPercent(Path path) throws Exception {
    Process df = new ProcessBuilder("df", "--output=pcent", path.toString()).start();
    String out = new String(df.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(df.waitFor()).isZero();
    return Double.parseDouble(out.lines().skip(1).findFirst().orElseThrow().trim().replace("%", ""));
  }
}
