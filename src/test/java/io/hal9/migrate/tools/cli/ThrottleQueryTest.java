package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.LocalServer;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step throttled by a PromQL expression, asked of a real Prometheus that scrapes a gauge the test steers: held back
 * while it is above its limit, on as soon as it falls, and held back (fail closed) by a query without data.
 */
class ThrottleQueryTest {
  /** The gauge the steps' throttle-query reads; one exporter and one Prometheus (some 5 s to start) for the class. */
  private static final AtomicReference<Double> STRESS = new AtomicReference<>(1.0);
  private static HttpServer exporter;
  private static LocalServer prometheus;

  @TempDir static Path shared;
  @TempDir Path dir;

  @BeforeAll
  static void startPrometheus() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gauge.builder("test.stress", STRESS, AtomicReference::get).register(registry);
    exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    exporter.createContext("/metrics", exchange -> {
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    exporter.start();
    prometheus = LocalServer.prometheus(shared,
        new LocalServer.ScrapeTarget("stress", "127.0.0.1:" + exporter.getAddress().getPort()));
  }

  @AfterAll
  static void stopPrometheus() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    if (exporter != null) {
      exporter.stop(0);
    }
  }

  /** Each test starts under stress, once Prometheus has scraped it (a test before may have lowered it). */
  @BeforeEach
  void underStress() throws Exception {
    STRESS.set(1.0);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!prometheus.query("max(test_stress)").path("data").path("result").path(0).path("value").path(1).asText().equals("1")) {
      assertThat(System.nanoTime()).as("prometheus never read the stress back at 1").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @OnBothDatabases
  void aStepWaitsWhileItsQueryIsAboveTheLimitOrHasNoDataAndGoesOnWhenItFalls(TestDatabase db) throws Exception {
    db.serve();
    Path plans = Plans.in(dir.resolve("plans")).withReferenceSchema()
        .file("V2__seed.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    count: 2000\n    batch-size: 100\n"
            + "    throttle-query: 'max(test_stress)'\n    throttle-above: 0.5\n")
        .path();
    CliProcess run = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
        "--prometheus", prometheus.url());
    assertThat(awaitHeld(db, "seed", run)).isEqualTo("throttle-query 1 > throttle-above 0.5");
    assertThat(db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = 'seed'")).as("no batch while held").isZero();

    STRESS.set(0.2);
    assertThat(run.waitFor(Duration.ofMinutes(1))).as(run.toString()).isZero();
    assertThat(db.queryLong("SELECT COUNT(*) FROM neurons")).isEqualTo(2000);
    assertThat(run.stderr()).contains("seed: held back: throttle-query 1 > throttle-above 0.5").contains("seed: goes on");

    // A query without data holds the step back as a high one does: it fails closed. A stop still stops it.
    Plans.in(plans).file("V3__more.yaml", "steps:\n  - id: more\n    type: neuron-seed\n    count: 100\n    table: more\n"
        + "    throttle-query: 'max(no_such_series)'\n    throttle-above: 0.5\n");
    db.execute("CREATE TABLE more (id BIGINT PRIMARY KEY, layer VARCHAR(8) NOT NULL, kind VARCHAR(32) NOT NULL,"
        + " state VARCHAR(4000) NOT NULL, state_version INT NOT NULL, updated_at TIMESTAMP NOT NULL)");
    CliProcess blind = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
        "--prometheus", prometheus.url());
    assertThat(awaitHeld(db, "more", blind)).isEqualTo("throttle-query has no data (held back until it has)");
    blind.terminate();
    assertThat(blind.waitFor(Duration.ofSeconds(30))).as(blind.toString()).isEqualTo(143);
    assertThat(db.queryLong("SELECT COUNT(*) FROM more")).isZero();
  }

  private static String awaitHeld(TestDatabase db, String step, CliProcess run) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      String held = null;
      try {
        held = db.queryString("SELECT held_by FROM hal9_steps WHERE step_id = '" + step + "'");
      } catch (SQLException notYet) {
        // the engine's tables are being created
      }
      if (held != null) {
        return held;
      }
      assertThat(run.isAlive()).as(run.toString()).isTrue();
      assertThat(System.nanoTime()).as("step %s never held back: %s", step, run).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
