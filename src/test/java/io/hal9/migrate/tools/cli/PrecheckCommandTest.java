package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hal9.migrate.engine.spi.PrometheusQuery;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.LocalServer;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import io.hal9.migrate.tools.precheck.Precheck;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code precheck} against a real Prometheus that scrapes a HAL9 pod's series the test steers (CPU, memory, their
 * limits, request latency): ready when every figure is within HAL9's limits, not ready naming the first figure that
 * is not, failed closed on a query without data or a Prometheus that does not answer; and never a table written.
 */
class PrecheckCommandTest {
  /** The shared test machine's database round trip can pass 10 ms; the default limit is asserted in the document. */
  private static final String ROOMY = "100";
  /**
   * HAL9's CPU query by its last two samples (irate): rate() divides by its whole window, so a pod series a few
   * seconds old shows a small part of its rate over 5 min.
   */
  private static final String CPU_NOW = Precheck.CPU_QUERY.replace("(rate(", "(irate(").replace("[5m]", "[1m]");

  /** One pod and one Prometheus for the class, started on first use: a new Prometheus scrapes only after some 5 s. */
  private static Pod pod;
  private static LocalServer prometheus;

  @TempDir static Path shared;
  @TempDir Path dir;

  @AfterAll
  static void stopPod() throws Exception {
    try (Pod stopped = pod; LocalServer server = prometheus) {
      // both closed, the pod last
    }
  }

  @OnBothDatabases
  void readyWithinHal9sLimitsAndNotWhenMemoryIsAboveOrAQueryHasNoData(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE neurons (id BIGINT PRIMARY KEY)");
    List<String> tables = db.tables();
    Cli cli = new Cli(db, dir);
    if (pod == null) {
      pod = Pod.start(0.3, 0.5);
    }
    if (prometheus == null) {
      prometheus = LocalServer.prometheus(shared, pod.target());
    }
    pod.memory.set(0.5); // the test before set it to 0.9
    pod.awaitSeen(prometheus, 0.5);

    Cli.Result ready = cli.run("precheck", "--prometheus", prometheus.url(), "--query-cpu", CPU_NOW, "--min-disk-free", "1MB",
        "--max-latency-ms", ROOMY);
    assertThat(ready.exit()).as(ready.toString()).isZero();
    String from = "from prometheus " + prometheus.url();
    assertThat(ready.out().lines()).hasSize(6).satisfies(lines -> {
      assertThat(lines.get(0)).startsWith("passed   cpu ").containsPattern(" 0\\.(29\\d*|3|30\\d*) < 0\\.7 ").endsWith(from);
      assertThat(lines.get(1)).startsWith("passed   memory ").contains("0.5 < 0.8").endsWith(from);
      assertThat(lines.get(2)).startsWith("passed   disk-free ").containsPattern("[\\d.]+ [KMGTP]?B >= 1 MB")
          .contains("from filesystem of ");
      assertThat(lines.get(3)).startsWith("passed   database-latency ").containsPattern("[\\d.]+ ms < 100 ms")
          .endsWith("from database round trip (SELECT 1)");
      assertThat(lines.get(4)).startsWith("passed   request-p99 ").containsPattern("[\\d.]+ ms < 100 ms").endsWith(from);
      assertThat(lines.get(5)).isEqualTo("precheck: ready (5 checks: 5 passed, 0 warning, 0 failed)");
    });

    pod.memory.set(0.9);
    pod.awaitSeen(prometheus, 0.9);
    Cli.Result full = cli.run("precheck", "--prometheus", prometheus.url(), "--query-cpu", CPU_NOW, "--min-disk-free", "1MB",
        "--max-latency-ms", ROOMY);
    assertThat(full.exit()).as(full.toString()).isEqualTo(5);
    assertThat(full.out()).contains("failed   memory ").contains("0.9 > 0.8").contains("precheck: not ready");
    assertThat(full.errors()).containsExactly("not ready: memory 0.9 > 0.8");

    // The document with HAL9's own limits, whatever this machine's disk and round trip make of them.
    JsonNode document = cli.run("precheck", "--prometheus", prometheus.url(), "--json").json();
    assertThat(document.path("ok").asBoolean()).isFalse();
    assertThat(document.path("command").asText()).isEqualTo("precheck");
    assertThat(document.path("ready").asBoolean()).isFalse();
    assertThat(names(document.path("checks"))).containsExactly("cpu", "memory", "disk-free", "database-latency", "request-p99");
    double[] limits = {0.7, 0.8, 100e9, 10, 10};
    for (int i = 0; i < limits.length; i++) {
      JsonNode check = document.path("checks").get(i);
      assertThat(fieldNames(check)).containsExactly("name", "status", "value", "limit", "source", "message");
      assertThat(check.path("limit").asDouble()).isEqualTo(limits[i]);
      assertThat(check.path("value").isNumber()).as(check.toString()).isTrue();
    }
    assertThat(document.at("/checks/1/value").asDouble()).isEqualTo(0.9);
    assertThat(document.at("/checks/1/status").asText()).isEqualTo("failed");
    assertThat(document.at("/error/code").asText()).isEqualTo("HEALTH_FAILED");
    assertThat(document.at("/error/exitCode").asInt()).isEqualTo(5);
    assertThat(document.at("/error/message").asText()).startsWith("not ready: memory 0.9 > 0.8");

    // No data is no pass: the check fails closed and says so.
    Cli.Result blind = cli.run("precheck", "--prometheus", prometheus.url(), "--query-cpu", "max(no_such_series)",
        "--max-memory", "0.95", "--min-disk-free", "1MB", "--max-latency-ms", ROOMY, "--json");
    assertThat(blind.exit()).as(blind.toString()).isEqualTo(5);
    assertThat(blind.json().at("/checks/0/status").asText()).isEqualTo("failed");
    assertThat(blind.json().at("/checks/0/value").isNull()).isTrue();
    assertThat(blind.json().at("/checks/0/message").asText()).isEqualTo("no data for max(no_such_series)");
    assertThat(blind.json().at("/checks/1/status").asText()).isEqualTo("passed");
    assertThat(blind.details()).containsExactly("cpu no data for max(no_such_series)");
    assertThat(db.tables()).as("precheck reads only").isEqualTo(tables);
  }

  @OnBothDatabases
  void anUnreachablePrometheusFailsItsChecksWithTheReason(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE neurons (id BIGINT PRIMARY KEY)");
    String nowhere = "http://127.0.0.1:" + LocalServer.freePort();
    Cli.Result result = new Cli(db, dir).run("precheck", "--prometheus", nowhere, "--min-disk-free", "1MB", "--json");
    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    JsonNode checks = result.json().path("checks");
    for (int i : new int[] {0, 1, 4}) {
      assertThat(checks.get(i).path("status").asText()).isEqualTo("failed");
      assertThat(checks.get(i).path("message").asText()).startsWith("cannot query Prometheus at " + nowhere);
    }
    assertThat(result.json().at("/error/message").asText()).startsWith("not ready: cpu cannot query Prometheus at " + nowhere);
  }

  @OnBothDatabases
  void withoutPrometheusItMeasuresThisMachineAndHoldsTheDiskToItsFreeSpace(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE neurons (id BIGINT PRIMARY KEY)");
    List<String> tables = db.tables();
    Cli.Result result = new Cli(db, dir).run("precheck", "--min-disk-free", "1000PB", "--json");
    assertThat(result.exit()).as(result.toString()).isEqualTo(5);
    JsonNode checks = result.json().path("checks");
    assertThat(names(checks)).containsExactly("cpu", "memory", "disk-free", "database-latency");
    assertThat(checks.at("/0/source").asText()).startsWith("this machine: 1-minute load average ");
    assertThat(checks.at("/0/value").asDouble()).isPositive();
    assertThat(checks.at("/1/source").asText()).startsWith("this machine: ");
    assertThat(checks.at("/1/value").asDouble()).isBetween(0.0, 1.0);
    assertThat(checks.at("/2/status").asText()).isEqualTo("failed");
    assertThat(checks.at("/2/value").asLong()).isPositive();
    assertThat(checks.at("/2/limit").asDouble()).isEqualTo(1e18);
    assertThat(checks.at("/2/message").asText()).endsWith(" < 1000 PB");
    if (!db.isPostgres()) {
      assertThat(checks.at("/2/source").asText()).isEqualTo("filesystem of " + Path.of(db.url().substring("jdbc:h2:file:".length()))
          .getParent() + " (the database's data directory)");
    }
    assertThat(result.details()).anySatisfy(detail -> assertThat(detail).startsWith("disk-free ").endsWith(" < 1000 PB"));
    assertThat(db.tables()).isEqualTo(tables);
  }

  @Test
  void badInputIsExit2BeforeAnythingIsMeasured() {
    Cli cli = Cli.withoutDatabase(dir);
    assertThat(cli.run("precheck", "--disk", dir.resolve("no-such").toString()).errors())
        .containsExactly("--disk " + dir.resolve("no-such") + ": no such file or directory");
    assertThat(cli.run("precheck", "--disk", dir.resolve("no-such").toString()).exit()).isEqualTo(2);
    assertThat(cli.run("precheck", "--prometheus", "localhost:9090").exit()).isEqualTo(2);
    assertThat(cli.run("precheck", "--min-disk-free", "lots").exit()).isEqualTo(2);
    assertThat(cli.run("precheck", "--max-cpu", "0").exit()).isEqualTo(2);
    Cli.Result badUrl = cli.raw("precheck", "--url", "jdbc:nosuch:db", "--json");
    assertThat(badUrl.exit()).as(badUrl.toString()).isEqualTo(2);
    assertThat(badUrl.json().at("/error/code").asText()).isEqualTo("BAD_URL");
  }

  private static List<String> names(JsonNode checks) {
    List<String> names = new ArrayList<>();
    checks.forEach(check -> names.add(check.path("name").asText()));
    return names;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /**
   * One HAL9 pod as cAdvisor, kube-state-metrics and HAL9 itself show it: CPU seconds used at a steady rate, a
   * memory working set the test steers (both as shares of the pod's limits: 1 core, 1 GB), and flat requests of 2 ms.
   */
  private static final class Pod implements AutoCloseable {
    private static final double MEMORY_LIMIT = 1e9;

    final AtomicReference<Double> memory;
    /** Held here: Micrometer's function counters and gauges keep their object only weakly. */
    private final AtomicLong started;
    private final HttpServer server;
    private final ScheduledExecutorService requests;

    private Pod(AtomicReference<Double> memory, AtomicLong started, HttpServer server, ScheduledExecutorService requests) {
      this.memory = memory;
      this.started = started;
      this.server = server;
      this.requests = requests;
    }

    static Pod start(double cpu, double memoryShare) throws Exception {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Tags pod = Tags.of("namespace", "hal9", "pod", "hal9-0", "container", "hal9");
      AtomicLong started = new AtomicLong(System.nanoTime());
      FunctionCounter.builder("container.cpu.usage.seconds", started, t -> cpu * (System.nanoTime() - t.get()) / 1e9)
          .tags(pod).register(registry);
      AtomicReference<Double> memory = new AtomicReference<>(memoryShare);
      Gauge.builder("container.memory.working.set.bytes", memory, m -> m.get() * MEMORY_LIMIT).tags(pod).register(registry);
      Gauge.builder("kube.pod.container.resource.limits", () -> 1).tags(pod.and("resource", "cpu")).register(registry);
      Gauge.builder("kube.pod.container.resource.limits", () -> MEMORY_LIMIT).tags(pod.and("resource", "memory"))
          .register(registry);
      Timer flat = Timer.builder("hal9.request.duration").tag("system", "flat")
          .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(50)).register(registry);
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/metrics", exchange -> {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      server.start();
      ScheduledExecutorService requests = Executors.newSingleThreadScheduledExecutor();
      requests.scheduleAtFixedRate(() -> flat.record(Duration.ofMillis(2)), 0, 10, TimeUnit.MILLISECONDS);
      return new Pod(memory, started, server, requests);
    }

    LocalServer.ScrapeTarget target() {
      return new LocalServer.ScrapeTarget("hal9", "127.0.0.1:" + server.getAddress().getPort());
    }

    /** Until Prometheus has the memory share and enough samples for the rates over them. */
    void awaitSeen(LocalServer prometheus, double memoryShare) throws Exception {
      PrometheusQuery query = new PrometheusQuery(URI.create(prometheus.url()));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        OptionalDouble seen = query.max(Precheck.MEMORY_QUERY);
        if (seen.isPresent() && seen.getAsDouble() == memoryShare && query.max(CPU_NOW).orElse(0) > 0
            && query.max(Precheck.LATENCY_QUERY).isPresent()) {
          return;
        }
        assertThat(System.nanoTime()).as("prometheus never saw memory %s: %s", memoryShare, prometheus.log()).isLessThan(deadline);
        Thread.sleep(200);
      }
    }

    @Override
    public void close() {
      requests.shutdownNow();
      server.stop(0);
    }
  }
}
