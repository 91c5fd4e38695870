package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Configuration;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.ProgressListener;
import io.hal9.migrate.tools.monitoring.MetricsExport;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/** A command that opens the engine on the configured database and plans. */
abstract class EngineCommand extends ToolCommand {
  private final AtomicInteger signal = new AtomicInteger();
  private Configuration configuration;

  /** Does the work; returns the fields of the JSON document. */
  abstract Map<String, Object> execute(Hal9Migrate hal9) throws Exception;

  /** Commands that write in batches stop at a boundary on SIGINT/SIGTERM instead of dying. */
  boolean interruptible() {
    return false;
  }

  ProgressListener progress() {
    return ProgressListener.NONE;
  }

  Duration lease() {
    return Duration.ofSeconds(30);
  }

  Duration lockWait() {
    return Duration.ZERO;
  }

  String target() {
    return null;
  }

  /** The Prometheus server steps ask ({@code throttle-query}), or null. */
  java.net.URI prometheus() {
    return null;
  }

  /** Long-running commands export their metrics where these say; null: no metrics. */
  MetricsOptions metrics() {
    return null;
  }

  @Override
  final Map<String, Object> execute() throws Exception {
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    ClassLoader classes = userClasses(options.classpath, previous);
    Thread.currentThread().setContextClassLoader(classes);
    Configuration configuration = Hal9Migrate.configure()
        .classLoader(classes)
        .url(options.url, options.user, options.password())
        .plans(options.plans)
        .progress(progress())
        .lease(lease())
        .lockWait(lockWait());
    java.net.URI prometheus = prometheus();
    if (prometheus != null) {
      if (prometheus.getAuthority() == null || !List.of("http", "https").contains(String.valueOf(prometheus.getScheme()))) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "--prometheus " + prometheus + ": expected http://HOST:PORT");
      }
      configuration.prometheus(prometheus);
    }
    try {
      configuration.target(target());
    } catch (Hal9MigrateException e) {
      throw Hints.ofOption("--target", e);
    }
    this.configuration = configuration;
    try (MetricsExport export = startMetrics(); Hal9Migrate hal9 = (export == null ? configuration
        : configuration.metrics(export.registry())).load()) {
      if (interruptible() && main.handleSignals) {
        onStopSignal(hal9, signal, main.err);
      }
      return execute(hal9);
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /**
   * Another engine on the same database and plans, for a command that reads for a long time: it opens one per read
   * rather than keep one open, which would hold an embedded H2 file (and its start lock) against the runs.
   */
  Hal9Migrate reopen() {
    return configuration.load();
  }

  private MetricsExport startMetrics() {
    MetricsOptions metrics = metrics();
    if (metrics == null || !metrics.enabled()) {
      return null;
    }
    if (metrics.pushgateway != null && (metrics.pushgateway.getAuthority() == null
        || !List.of("http", "https").contains(String.valueOf(metrics.pushgateway.getScheme())))) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--pushgateway " + metrics.pushgateway + ": expected http://HOST:PORT");
    }
    if (metrics.pushInterval < 1) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--push-interval " + metrics.pushInterval + ": expected 1 second or more");
    }
    try {
      return MetricsExport.start(metrics.host, metrics.port, metrics.pushgateway, Duration.ofSeconds(metrics.pushInterval),
          instance());
    } catch (java.io.IOException | RuntimeException e) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--metrics-port " + metrics.port + " on " + metrics.host + ": "
          + Hal9MigrateException.oneLine(String.valueOf(e.getMessage())), e);
    }
  }

  /** What the Pushgateway groups this process's metrics by: the host (a pod's name in Kubernetes). */
  private static String instance() {
    String host = System.getenv("HOSTNAME");
    if (host != null && !host.isBlank()) {
      return host;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "unknown";
    }
  }

  @Override
  int exitCode(Hal9MigrateException e) {
    return e.code() == ErrorCode.STOPPED ? 128 + (signal.get() == 0 ? 2 : signal.get()) : ExitCodes.of(e.code());
  }

  /** The user's jars and folders on top of ours: their transforms and step types are found through it. */
  private static ClassLoader userClasses(List<Path> classpath, ClassLoader parent) {
    if (classpath.isEmpty()) {
      return parent;
    }
    URL[] urls = classpath.stream().map(path -> {
      try {
        return path.toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException("--classpath " + path + ": " + e.getMessage(), e);
      }
    }).toArray(URL[]::new);
    return new URLClassLoader(urls, parent);
  }

  /** First signal: stop at the next batch boundary. A second one: leave at once (the last checkpoint holds). */
  private static void onStopSignal(Hal9Migrate hal9, AtomicInteger received, java.io.PrintStream err) {
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), signal -> {
        if (!received.compareAndSet(0, signal.getNumber())) {
          Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        err.println("hal9-migrate: SIG" + signal.getName() + " received: stopping at the next batch boundary");
        hal9.stop();
      });
    }
  }
}
