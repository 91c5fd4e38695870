package io.hal9.migrate.support;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * HAL9's application series as HAL9 serves them: requests, errors and request latency per system (flat,
 * hierarchical), with 200 requests a second flowing on each. A test steers the hierarchical system's share of
 * errors and its latency.
 */
public final class Hal9Application implements AutoCloseable {
  private final HttpServer server;
  private final ScheduledExecutorService traffic;
  private volatile double hierarchicalErrors;
  private volatile Duration hierarchicalLatency;

  private Hal9Application(HttpServer server, ScheduledExecutorService traffic) {
    this.server = server;
    this.traffic = traffic;
  }

  /**
   * @param hierarchicalErrors the share of the hierarchical system's requests that fail (the flat one's: 1 in 500)
   * @param hierarchicalLatency each hierarchical request's latency, or null for 1..20 ms at random
   */
  public static Hal9Application start(double hierarchicalErrors, Duration hierarchicalLatency) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Random random = new Random(9);
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    Hal9Application app = new Hal9Application(server, Executors.newSingleThreadScheduledExecutor());
    app.hierarchicalErrors = hierarchicalErrors;
    app.hierarchicalLatency = hierarchicalLatency;
    List<Runnable> requests = new ArrayList<>();
    for (String system : List.of("flat", "hierarchical")) {
      Counter requested = Counter.builder("hal9.requests").tag("system", system).register(registry);
      Counter failed = Counter.builder("hal9.errors").tag("system", system).register(registry);
      Timer latency = Timer.builder("hal9.request.duration").tag("system", system)
          .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(15), Duration.ofMillis(25),
              Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(1000))
          .register(registry);
      boolean flat = system.equals("flat");
      requests.add(() -> {
        requested.increment();
        if (random.nextDouble() < (flat ? 0.002 : app.hierarchicalErrors)) {
          failed.increment();
        }
        Duration fixed = flat ? null : app.hierarchicalLatency;
        latency.record(fixed != null ? fixed : Duration.ofMillis(1 + random.nextInt(flat ? 40 : 20)));
      });
    }
    server.createContext("/metrics", exchange -> {
      try (exchange) {
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
    app.traffic.scheduleAtFixedRate(() -> {
      for (int i = 0; i < 20; i++) {
        requests.forEach(Runnable::run);
      }
    }, 0, 100, TimeUnit.MILLISECONDS);
    return app;
  }

  /** The hierarchical system's share of failing requests from now on. */
  public void hierarchicalErrors(double share) {
    hierarchicalErrors = share;
  }

  public void hierarchicalLatency(Duration latency) {
    hierarchicalLatency = latency;
  }

  public String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  @Override
  public void close() {
    traffic.shutdownNow();
    server.stop(0);
  }
}
