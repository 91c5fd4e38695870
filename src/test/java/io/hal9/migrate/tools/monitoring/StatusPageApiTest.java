package io.hal9.migrate.tools.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.support.Chromium;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in this JVM: its API's documents of status and events, the health step (on the page too), failures,
 * secrets and Host names.
 */
class StatusPageApiTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "pw-of-the-page";

  @TempDir Path dir;

  @Test
  void statusIsTheStatusDocumentWithTheLatestHealthStepAndEventsTheNewestN() throws Exception {
    try (TestDatabase db = TestDatabase.h2()) {
      Path plans = Plans.in(dir).file("V1__gate.yaml", "steps:\n  - id: gate\n    type: health\n    checks:\n"
          + "      - check: database\n        max-latency-ms: 5000\n")
          .file("V2__t.yaml", "steps:\n  - id: make-t\n    type: sql\n    sql: CREATE TABLE t (x INT)\n")
          .copy(Plans.DEMO.resolve("V1__create_schema.yaml"), "V3__schema.yaml").seed("4", "seed", 300, 100)
          .file("V5__state.yaml", "steps:\n  - id: state-v2\n    type: neuron-state\n    from-version: 1\n    to-version: 2\n"
              + "    partitions: 2\n    ops:\n      - multiply: {field: bias, by: 0.5}\n").path();
      Cli cli = new Cli(db, plans);
      assertThat(cli.run("run").exit()).isZero();
      try (StatusPage page = StatusPage.start(new InetSocketAddress("127.0.0.1", 0),
          () -> Hal9Migrate.configure().url(db.url(), null, null).plans(plans).load(), Duration.ofSeconds(3), db.url() + ";PASSWORD=" + SECRET, SECRET)) {
        JsonNode status = get(page.url() + "api/status", 200);
        assertThat(status.at("/refreshSeconds").asDouble()).isEqualTo(3.0);
        assertThat(status.at("/database").asText()).as("an H2 password as a URL setting").isEqualTo(db.url() + ";PASSWORD=***");
        assertThat(status.at("/health/step").asText()).isEqualTo("gate");
        assertThat(status.at("/health/state").asText()).isEqualTo("done");
        assertThat(status.at("/health/counters/healthy").asBoolean()).isTrue();
        assertThat(status.has("rollout")).isFalse();
        JsonNode versions = status.get("versions").deepCopy();
        versions.forEach(v -> v.get("steps").forEach(s -> ((ObjectNode) s).remove(java.util.List.of("rowsPerSecond", "etaSeconds"))));
        assertThat(versions).isEqualTo(cli.run("status", "--json").json().get("versions"));

        JsonNode events = cli.run("events", "--json").json().get("events");
        assertThat(get(page.url() + "api/events", 200).get("events")).isEqualTo(events);
        assertThat(get(page.url() + "api/events?limit=1", 200).get("events")).containsExactly(events.get(events.size() - 1));

        // A flag set by hand: the rollout section appears, with the document 'flags list --json' prints.
        assertThat(cli.run("flags", "set", "hierarchical_routing", "25").exit()).isZero();
        JsonNode rollout = get(page.url() + "api/status", 200).get("rollout");
        JsonNode flags = cli.run("flags", "list", "--json").json();
        assertThat(rollout.get("phase")).isEqualTo(flags.get("phase"));
        assertThat(rollout.get("traffic")).isEqualTo(flags.get("traffic"));
        assertThat(rollout.get("flags")).isEqualTo(flags.get("flags"));
        assertThat(rollout.at("/flags/hierarchical_routing/percentage").asInt()).isEqualTo(25);

        // A partitioned step's partitions, as status --json has them.
        JsonNode partitions = status.at("/versions/4/steps/0/partitions");
        assertThat(partitions).hasSize(2);
        assertThat(partitions.get(1).get("state").asText()).isEqualTo("done");
        assertThat(partitions.get(1).get("rows").asLong()).isEqualTo(150);

        String dom = Chromium.in(dir.resolve("chromium")).dom(page.url());
        assertThat(dom).contains("data-partition=\"2\" data-state=\"done\">#2 done 150 / 150 by ");
        assertThat(dom).doesNotContainPattern("id=\"health\"[^>]*hidden").contains("data-field=\"health-step\">gate<")
            .contains("data-field=\"health-counters\">healthy true").doesNotContainPattern("id=\"rollout\"[^>]*hidden")
            .contains("data-field=\"rollout-phase\">none<")
            .contains("data-field=\"rollout-flag\" data-flag=\"hierarchical_routing\" data-value=\"25\">on 25%<");
        assertThat(StatusPage.limit("limit=0")).isEqualTo(1);
        assertThat(StatusPage.limit("x=1&limit=99999")).isEqualTo(StatusPage.MAX_EVENTS);
        assertThat(StatusPage.limit("limit=many")).isEqualTo(StatusPage.DEFAULT_EVENTS);
      }
    }
  }

  @Test
  void aFailedReadIsA503WithItsRedactedErrorAndThePasswordShowsNowhere() throws Exception {
    Supplier<Hal9Migrate> down = () -> {
      throw new Hal9MigrateException(ErrorCode.DB_UNREACHABLE, "cannot connect to jdbc:h2:file:/x;PASSWORD=" + SECRET
          + " (wrong user name or password " + SECRET + ")");
    };
    try (StatusPage page = StatusPage.start(new InetSocketAddress("127.0.0.1", 0), down, Duration.ofSeconds(2),
        "jdbc:h2:file:/x;USER=sa;PASSWORD=" + SECRET, SECRET)) {
      JsonNode error = get(page.url() + "api/status", 503).get("error");
      assertThat(error.get("code").asText()).isEqualTo("DB_UNREACHABLE");
      assertThat(error.get("message").asText()).isEqualTo("cannot connect to jdbc:h2:file:/x;PASSWORD=*** (wrong user name"
          + " or password ***)");
      assertThat(get(page.url() + "api/status", 503).toString()).doesNotContain(SECRET);
      assertThat(get(page.url() + "api/events", 503).toString()).doesNotContain(SECRET);
      assertThat(page.url()).matches("http://127\\.0\\.0\\.1:\\d+/");
    }
  }

  @Test
  void onLoopbackItAnswersOnlyLoopbackNames() throws Exception {
    Supplier<Hal9Migrate> none = () -> {
      throw new IllegalStateException("not read");
    };
    try (StatusPage page = StatusPage.start(new InetSocketAddress("127.0.0.1", 0), none, Duration.ofSeconds(2), "jdbc:h2:mem:x",
        null)) {
      int port = URI.create(page.url()).getPort();
      assertThat(statusLine(port, "localhost:" + port)).isEqualTo("HTTP/1.1 200 OK");
      assertThat(statusLine(port, "127.0.0.1:" + port)).isEqualTo("HTTP/1.1 200 OK");
      assertThat(statusLine(port, "[::1]:" + port)).isEqualTo("HTTP/1.1 200 OK");
      assertThat(statusLine(port, "rebound.example:" + port)).startsWith("HTTP/1.1 403");
      assertThat(statusLine(port, "127.0.0.1.rebound.example")).startsWith("HTTP/1.1 403");
    }
  }

  /** The first line of the answer to GET / with this Host header (which HttpClient does not let one set). */
  private static String statusLine(int port, String host) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
  }

  private static JsonNode get(String url, int status) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return JSON.readTree(response.body());
  }
}
