package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.monitoring.StatusPage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dashboard", description = "Serve a live status page of the runs on this database, and its JSON API"
    + " (/api/status, /api/events), until interrupted; it only reads.")
final class DashboardCommand extends EngineCommand {
  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8089",
      description = "The port to serve on (default 8089; 0: a free one, printed).")
  int port;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "The address to bind (default 127.0.0.1: this machine only).")
  String host;

  @Option(names = "--refresh", paramLabel = "SECONDS", defaultValue = "2", description = "Seconds between the page's"
      + " refreshes (default 2).")
  double refresh;

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) throws Exception {
    if (refresh <= 0) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--refresh " + refresh + ": expected a positive number of seconds");
    }
    if (port < 0 || port > 65_535) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--port " + port + ": expected 0 to 65535");
    }
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--host " + host + ": unknown host");
    }
    // Opening it proved the plans and the database; each request opens its own (see reopen), so it closes now.
    hal9.close();
    StatusPage page;
    try {
      page = StatusPage.start(address, this::reopen, Duration.ofMillis(Math.round(refresh * 1000)), options.url,
          options.password());
    } catch (IOException e) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--port " + port + ": cannot serve on " + host + ":" + port + ": "
          + Hal9MigrateException.oneLine(String.valueOf(e.getMessage())), e);
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("url", page.url());
    out.started("dashboard", fields);
    out.line("Serving the status page on " + page.url() + " (Ctrl-C to stop)");
    Runtime.getRuntime().addShutdownHook(new Thread(page::close, "hal9-status-page-stop"));
    // Until SIGINT/SIGTERM end the JVM with 130/143, as for 'status --watch': the page writes nothing, so nothing is
    // left to save.
    Thread.currentThread().join();
    return fields;
  }
}
