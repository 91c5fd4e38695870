package io.hal9.migrate.tools.monitoring;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.exporter.pushgateway.PushGateway;
import io.prometheus.metrics.exporter.pushgateway.Scheme;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command's meters in Prometheus form: served on {@code /metrics} for a scraper while the command runs, and
 * pushed to a Pushgateway at an interval and once more at the end, for runs too short to be scraped.
 */
public final class MetricsExport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsExport.class);
  static final String JOB = "hal9-migrate";

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private HttpServer server;
  private PushGateway push;
  private ScheduledExecutorService pushes;

  private MetricsExport() {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /**
   * Serves {@code /metrics} on {@code host:port} (port 0: no server) and pushes to {@code pushgateway} (null: no
   * push) every {@code interval}, grouped by job {@value #JOB} and {@code instance}.
   *
   * @throws IOException when the port cannot be bound
   */
  public static MetricsExport start(String host, int port, URI pushgateway, Duration interval, String instance) throws IOException {
    MetricsExport export = new MetricsExport();
    try {
      if (port > 0) {
        export.serve(new InetSocketAddress(host, port));
      }
      if (pushgateway != null) {
        export.pushTo(pushgateway, interval, instance);
      }
      return export;
    } catch (IOException | RuntimeException e) {
      export.close();
      throw e;
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The port {@code /metrics} is served on (the one bound when 0 was asked for), or -1. */
  public int port() {
    return server == null ? -1 : server.getAddress().getPort();
  }

  private void serve(InetSocketAddress address) throws IOException {
    server = HttpServer.create(address, 0);
    server.createContext("/metrics", exchange -> {
      try (exchange) {
        if (!exchange.getRequestMethod().equals("GET")) {
          exchange.sendResponseHeaders(405, -1);
          return;
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.setExecutor(Executors.newSingleThreadExecutor(daemon("hal9-metrics")));
    server.start();
  }

  private void pushTo(URI pushgateway, Duration interval, String instance) {
    push = PushGateway.builder()
        .scheme(pushgateway.getScheme().equals("https") ? Scheme.HTTPS : Scheme.HTTP)
        .address(pushgateway.getAuthority())
        .job(JOB)
        .groupingKey("instance", instance)
        .registry(registry.getPrometheusRegistry())
        .build();
    pushes = Executors.newSingleThreadScheduledExecutor(daemon("hal9-metrics-push"));
    pushes.scheduleWithFixedDelay(this::pushNow, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A failed push is logged and tried again at the next interval; the migration does not depend on it. */
  private void pushNow() {
    try {
      push.push();
    } catch (IOException | RuntimeException e) {
      LOG.warn("metrics push to the Pushgateway failed: {}", e.getMessage());
    }
  }

  /** Pushes the final values, then stops serving. */
  @Override
  public void close() {
    if (pushes != null) {
      pushes.shutdownNow();
      pushNow();
    }
    if (server != null) {
      server.stop(0);
    }
    gc.close();
    registry.close();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
