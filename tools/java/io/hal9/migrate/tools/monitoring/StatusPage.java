package io.hal9.migrate.tools.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.engine.api.Secrets;
import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.api.StepState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A live status page and its JSON API, read from the engine's tables: {@code /} (one static page that polls the API),
 * {@code /api/status} (the document of {@code status --json}, with rows/s, ETA and their history, the database
 * clock's time, the latest health step and the rollout's routing) and {@code /api/events?limit=N} (the document of {@code events --json}).
 * It only reads, and only answers GET and HEAD. Each request opens the engine and closes it again, so an embedded
 * H2 file is not held against the runner (see {@code H2Startup}).
 */
public final class StatusPage implements AutoCloseable {
  static final int DEFAULT_EVENTS = 50;
  static final int MAX_EVENTS = 1000;
  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  /** The page is its own: inline script and style, data only from this server, nothing fetched from elsewhere. */
  private static final String POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
      + " connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final HttpServer server;
  private final Supplier<Hal9Migrate> engines;
  private final Duration refresh;
  private final String database;
  private final String secret;
  private final byte[] page;
  private final RowRates rates = new RowRates();

  private StatusPage(HttpServer server, Supplier<Hal9Migrate> engines, Duration refresh, String database, String secret) {
    this.server = server;
    this.engines = engines;
    this.refresh = refresh;
    this.secret = secret;
    this.database = Secrets.redact(database, secret);
    this.page = resource("status.html");
  }

  /**
   * Serves on {@code address} (port 0: a free one).
   *
   * @param engines opens the engine for one request (closed after it)
   * @param database what the page names the database by (a JDBC URL): shown with its password redacted
   * @param secret the database password, redacted wherever it might show (step errors, messages)
   * @throws IOException when the address cannot be bound (a port in use)
   */
  public static StatusPage start(InetSocketAddress address, Supplier<Hal9Migrate> engines, Duration refresh, String database,
      String secret) throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    StatusPage statusPage = new StatusPage(server, engines, refresh, database, secret);
    server.createContext("/", exchange -> statusPage.answer(exchange,
        () -> exchange.getRequestURI().getPath().equals("/") ? statusPage.page : null, "text/html; charset=utf-8"));
    server.createContext("/api/status", exchange -> statusPage.answer(exchange, () -> statusPage.json(statusPage.status()),
        "application/json"));
    server.createContext("/api/events", exchange -> statusPage.answer(exchange,
        () -> statusPage.json(statusPage.events(limit(exchange.getRequestURI().getRawQuery()))), "application/json"));
    server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "hal9-status-page");
      thread.setDaemon(true);
      return thread;
    }));
    server.start();
    return statusPage;
  }

  /** Where the page is served, such as {@code http://127.0.0.1:8089/}. */
  public String url() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort() + "/";
  }

  @Override
  public void close() {
    server.stop(0);
  }

  /** The status and the routing, read through one engine. */
  private record Reading(Status status, Routing routing) {}

  private Map<String, Object> status() {
    Reading reading = read(hal9 -> new Reading(hal9.status(), hal9.routing()));
    Status status = reading.status();
    rates.record(status);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("at", status.at());
    document.put("database", database);
    document.put("refreshSeconds", refresh.toMillis() / 1000.0);
    document.putAll(StatusDocument.of(status, (step, fields) -> {
      fields.put("rowsPerSecond", rates.rowsPerSecond(step));
      fields.put("etaSeconds", rates.etaSeconds(step));
    }));
    document.put("rates", rates.history());
    Map<String, Object> health = health(status);
    if (health != null) {
      document.put("health", health);
    }
    // Before any rollout step ran or flag was set, there is no rollout to show (not one of 0% traffic).
    if (reading.routing().phase() != null || !reading.routing().flags().isEmpty()) {
      document.put("rollout", StatusDocument.of(reading.routing()));
    }
    return document;
  }

  private Map<String, Object> events(int limit) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("events", read(hal9 -> hal9.events((LocalDateTime) null, limit)).stream()
        .map(StatusDocument::of).toList());
    return document;
  }

  /** The outcome of the last health step that ran, or null when the plans have none that did. */
  private static Map<String, Object> health(Status status) {
    Map<String, Object> health = null;
    for (Status.VersionStatus version : status.versions()) {
      for (Status.StepStatus step : version.steps()) {
        if (step.type().equals("health") && step.state() != StepState.PENDING) {
          health = new LinkedHashMap<>();
          health.put("version", version.version());
          health.put("step", step.id());
          health.put("state", step.state().label());
          health.put("updatedAt", step.updatedAt());
          health.put("counters", step.counters() == null ? null : StatusDocument.counters(step.counters()));
        }
      }
    }
    return health;
  }

  private <T> T read(Function<Hal9Migrate, T> read) {
    try (Hal9Migrate hal9 = engines.get()) {
      return read.apply(hal9);
    }
  }

  /** The document as JSON, every text in it redacted (a step's error may quote a URL with its password). */
  private byte[] json(Map<String, Object> document) {
    try {
      return JSON.writeValueAsBytes(redacted(JSON.valueToTree(document)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode redacted(JsonNode node) {
    if (node.isTextual()) {
      return TextNode.valueOf(Secrets.redact(node.asText(), secret));
    }
    if (node instanceof ObjectNode object) {
      object.properties().forEach(field -> field.setValue(redacted(field.getValue())));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        ((ArrayNode) node).set(i, redacted(node.get(i)));
      }
    }
    return node;
  }

  /** {@code limit=N} of a query, within 1..{@value #MAX_EVENTS}; {@value #DEFAULT_EVENTS} when absent or not a number. */
  static int limit(String query) {
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("limit=") && pair.substring("limit=".length()).matches("\\d{1,9}")) {
          return Math.max(1, Math.min(MAX_EVENTS, Integer.parseInt(pair.substring("limit=".length()))));
        }
      }
    }
    return DEFAULT_EVENTS;
  }

  /** Answers GET and HEAD with {@code body} (null: no such page), or a 503 with the error when reading fails. */
  private void answer(HttpExchange exchange, Supplier<byte[]> body, String type) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
      exchange.getResponseHeaders().set("Content-Security-Policy", POLICY);
      if (!hostAllowed(exchange.getRequestHeaders().getFirst("Host"))) {
        exchange.sendResponseHeaders(403, -1);
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      int status = 200;
      String contentType = type;
      byte[] bytes;
      try {
        bytes = body.get();
      } catch (RuntimeException e) {
        // The database is down or the plans do not load: the page says so and keeps polling.
        status = 503;
        contentType = "application/json";
        bytes = json(Map.of("error", error(e)));
      }
      if (bytes == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.getResponseHeaders().set("Content-Type", contentType);
      if (method.equals("HEAD")) {
        exchange.sendResponseHeaders(status, -1);
        return;
      }
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /**
   * Served on loopback, only to loopback names: a web page elsewhere whose name its DNS turns into 127.0.0.1
   * (rebinding) could otherwise read this one from the operator's browser.
   */
  private boolean hostAllowed(String host) {
    if (!server.getAddress().getAddress().isLoopbackAddress()) {
      return true;
    }
    String name = host == null ? "" : host.replaceFirst(":\\d+$", "").replaceAll("^\\[|]$", "");
    return name.equals("localhost") || name.equals("::1") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }

  private static Map<String, Object> error(RuntimeException e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", e instanceof Hal9MigrateException failure ? failure.code().name() : "INTERNAL");
    error.put("message", Hal9MigrateException.oneLine(String.valueOf(e.getMessage())));
    return error;
  }

  private static byte[] resource(String name) {
    try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
