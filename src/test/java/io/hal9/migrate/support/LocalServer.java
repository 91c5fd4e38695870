package io.hal9.migrate.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A real server of the monitoring stack (Prometheus, the Pushgateway) started for one test on a free loopback port,
 * from its Debian package. Where the binary is missing the test is skipped, unless its HAL9_REQUIRE_* variable is
 * set (CI): then it fails ({@link #binary}, also for tools such as promtool that are run rather than served).
 */
public final class LocalServer implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final int port;
  private final Path log;

  private LocalServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** {@code /usr/bin/prometheus-pushgateway} listening on loopback. */
  public static LocalServer pushgateway(Path dir) throws Exception {
    int port = freePort();
    return start(dir, "prometheus-pushgateway", "HAL9_REQUIRE_PROMETHEUS", port, "/-/ready",
        "--web.listen-address=127.0.0.1:" + port, "--persistence.file=");
  }

  /** A job for {@link #prometheus}: its name and the {@code host:port} whose {@code /metrics} it scrapes. */
  public record ScrapeTarget(String job, String address) {}

  /**
   * {@code /usr/bin/prometheus} listening on loopback, scraping every target's {@code /metrics} each second, with a
   * generated configuration and its TSDB in {@code dir}. Returns once it has tried each target (up or down): Prometheus
   * hands its targets to the scrapers some seconds after it is ready, and a short run started before would be missed.
   */
  public static LocalServer prometheus(Path dir, ScrapeTarget... targets) throws Exception {
    int port = freePort();
    StringBuilder config = new StringBuilder("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
        + "  evaluation_interval: 1s\nscrape_configs:\n");
    for (ScrapeTarget target : targets) {
      config.append("  - job_name: '").append(target.job()).append("'\n    static_configs:\n      - targets: ['")
          .append(target.address()).append("']\n");
    }
    Path file = Files.createTempFile(dir, "prometheus-", ".yml");
    Files.writeString(file, config);
    Path storage = Files.createTempDirectory(dir, "prometheus-tsdb-");
    LocalServer prometheus = start(dir, "prometheus", "HAL9_REQUIRE_PROMETHEUS", port, "/-/ready",
        "--config.file=" + file, "--storage.tsdb.path=" + storage, "--web.listen-address=127.0.0.1:" + port);
    try {
      prometheus.awaitScrapes(targets.length);
      return prometheus;
    } catch (Exception | Error e) {
      prometheus.close();
      throw e;
    }
  }

  /** Waits until {@code count} active targets have each been scraped once, whether they answered or not. */
  private void awaitScrapes(int count) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      JsonNode targets = JSON.readTree(get("/api/v1/targets?state=active").body()).path("data").path("activeTargets");
      int tried = 0;
      for (JsonNode target : targets) {
        tried += target.path("health").asText().equals("unknown") ? 0 : 1;
      }
      if (tried >= count) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("prometheus did not scrape its " + count + " targets: " + targets + "\n" + log());
      }
      Thread.sleep(100);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /**
   * {@code /usr/bin/<binary>} from the Debian package {@code debianPackage}. Where it is missing the calling test
   * is skipped, unless the environment variable {@code required} is set (CI): then it fails.
   */
  public static Path binary(String binary, String debianPackage, String required) {
    Path executable = Path.of("/usr/bin", binary);
    if (!Files.isExecutable(executable)) {
      String missing = executable + " is not installed (Debian package " + debianPackage + ")";
      if (System.getenv(required) != null) {
        throw new IllegalStateException(required + " is set but " + missing);
      }
      Assumptions.abort(missing);
    }
    return executable;
  }

  private static LocalServer start(Path dir, String binary, String required, int port, String ready, String... args)
      throws Exception {
    Path executable = binary(binary, binary, required);
    List<String> command = new ArrayList<>(List.of(executable.toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, binary, ".log");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    LocalServer server = new LocalServer(process, port, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        if (server.get(ready).statusCode() == 200) {
          return server;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException(binary + " did not become ready: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Prometheus's answer to the instant query {@code expr} now, as its HTTP API gives it. */
  public JsonNode query(String expr) throws IOException, InterruptedException {
    return query(expr, null);
  }

  /** Prometheus's answer to the instant query {@code expr} at {@code time} (Unix seconds; now when null). */
  public JsonNode query(String expr, String time) throws IOException, InterruptedException {
    return JSON.readTree(get("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
        + (time == null ? "" : "&time=" + time)).body());
  }

  /** What the server printed, for a failing assertion's message. */
  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
