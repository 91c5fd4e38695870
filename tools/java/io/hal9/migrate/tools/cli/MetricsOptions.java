package io.hal9.migrate.tools.cli;

import java.net.URI;
import picocli.CommandLine.Option;

/** Where a long-running command's Prometheus metrics go: served for a scraper, pushed to a Pushgateway, or both. */
final class MetricsOptions {
  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve Prometheus metrics on http://HOST:PORT/metrics while the command runs (default: none).")
  int port;

  @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
      description = "The address /metrics is bound to (default 0.0.0.0, for a scraper in the cluster).")
  String host;

  @Option(names = "--pushgateway", paramLabel = "URL",
      description = "Also push the metrics to this Prometheus Pushgateway (job hal9-migrate) every --push-interval and at exit.")
  URI pushgateway;

  @Option(names = "--push-interval", paramLabel = "SECONDS", defaultValue = "15",
      description = "Seconds between pushes to the Pushgateway (default 15).")
  long pushInterval;

  boolean enabled() {
    return port > 0 || pushgateway != null;
  }
}
