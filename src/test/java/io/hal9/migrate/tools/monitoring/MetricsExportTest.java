package io.hal9.migrate.tools.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.LocalServer;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run as Prometheus sees it: scraped on {@code --metrics-port} while it runs, and its last values pushed to a real
 * Pushgateway when it ends (a run too short to be scraped).
 */
class MetricsExportTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  @OnBothDatabases
  void aRunIsScrapedWhileItRunsAndPushesItsLastValues(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir.resolve("plans")).withReferenceSchema().seed("2", "seed", 30_000, 500).path();
    int port = LocalServer.freePort();
    try (LocalServer pushgateway = LocalServer.pushgateway(dir)) {
      CliProcess run = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
          "--metrics-host", "127.0.0.1", "--metrics-port", String.valueOf(port), "--pushgateway", pushgateway.url(),
          "--push-interval", "1");
      // Scraped mid-run: some rows of the seed, not all.
      double midRun = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (midRun == 0 && System.nanoTime() < deadline && run.isAlive()) {
        midRun = value(scrape(port), "hal9_migrate_rows_total\\{step=\"seed\",type=\"neuron-seed\",version=\"2\"\\}");
        Thread.sleep(20);
      }
      assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.toString()).isZero();
      assertThat(midRun).as("rows scraped while the seed ran").isBetween(1.0, 29_999.0);

      String pushed = pushgateway.get("/metrics").body();
      String labels = "\\{instance=\"[^\"]+\",job=\"hal9-migrate\",step=\"seed\",type=\"neuron-seed\",version=\"2\"\\}";
      assertThat(value(pushed, "hal9_migrate_rows_total" + labels)).as(pushed).isEqualTo(30_000);
      assertThat(value(pushed, "hal9_migrate_step_state\\{instance=\"[^\"]+\",job=\"hal9-migrate\",state=\"done\","
          + "step=\"seed\",type=\"neuron-seed\",version=\"2\"\\}")).isEqualTo(1);
      assertThat(value(pushed, "hal9_migrate_batch_commit_seconds_count" + labels)).isEqualTo(61); // 60 batches, 1 to end
      assertThat(value(pushed, "hal9_migration_progress_percent\\{instance=\"[^\"]+\",job=\"hal9-migrate\"\\}")).isEqualTo(100);
      assertThat(pushed).contains("jvm_memory_used_bytes{");
    }
  }

  /** Checked before the plan is read or the database reached: exit 2 and one line naming the option. */
  @Test
  void aPortInUseOrAPushgatewayThatIsNoUrlIsBadInput() throws Exception {
    Path plans = Plans.in(dir.resolve("plans")).withReferenceSchema().path();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Cli.Result busy = Cli.withoutDatabase(plans).run("run", "--metrics-host", "127.0.0.1", "--metrics-port",
          String.valueOf(taken.getLocalPort()));
      assertThat(busy.exit()).as(busy.toString()).isEqualTo(2);
      assertThat(busy.errors()).singleElement().asString()
          .startsWith("--metrics-port " + taken.getLocalPort() + " on 127.0.0.1: ").contains("in use");
    }
    Cli.Result notUrl = Cli.withoutDatabase(plans).run("run", "--pushgateway", "pushgateway:9091");
    assertThat(notUrl.exit()).as(notUrl.toString()).isEqualTo(2);
    assertThat(notUrl.errors()).containsExactly("--pushgateway pushgateway:9091: expected http://HOST:PORT");
  }

  private static String scrape(int port) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? response.body() : "";
    } catch (IOException | InterruptedException notServingYet) {
      return "";
    }
  }

  /** The sample's value, 0 when the exposition has no such series. */
  private static double value(String exposition, String series) {
    Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
