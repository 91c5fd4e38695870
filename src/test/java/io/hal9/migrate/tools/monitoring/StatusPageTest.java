package io.hal9.migrate.tools.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.Chromium;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hal9-migrate dashboard} beside a real run, both child processes, the page read by a real headless Chromium:
 * what the API and the page's DOM show is what the engine's tables hold, while the step runs, while it is paused and
 * once it is done. The paused page is kept as a screenshot in target/artifacts.
 */
class StatusPageTest {
  private static final String ROWS = "SELECT rows_done FROM hal9_steps WHERE step_id = 'seed'";
  private static final String SECRET = "s3cret-of-the-dashboard";
  private static final int COUNT = 40_000;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern URL_LINE = Pattern.compile("\\{\"ok\":true,\"command\":\"dashboard\",\"url\":\"(http://127\\.0\\.0\\.1:\\d+/)\"}");

  @TempDir Path dir;

  @OnBothDatabases
  void thePageShowsTheRunningStepItsLockThePauseAndTheEndAsTheTablesHoldThem(TestDatabase db) throws Exception {
    Chromium chromium = Chromium.in(dir.resolve("chromium"), Duration.ofMillis(500)); // the dashboard's --refresh 0.5
    Path plans = Plans.in(dir.resolve("plans")).withReferenceSchema().file("V2__seed.yaml", seed("    max-rows-per-second: 2000\n"))
        .path();
    db.serve();
    Cli cli = new Cli(db, plans);
    // PostgreSQL here trusts its clients and ignores the password in the URL: the page must show it nowhere.
    String url = db.isPostgres() ? db.url() + "&password=" + SECRET : db.url();
    CliProcess dashboard = CliProcess.start(dir.resolve("work"), "dashboard", "--port", "0", "--refresh", "0.5", "--json",
        "--url", url, "--plans", plans.toString());
    CliProcess run = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
        "--progress-interval", "1");
    String page = awaitUrl(dashboard);
    awaitRows(db, 1000, run);

    // The API: the status document, with the rate between readings and the ETA at it.
    get(page + "api/status");
    Thread.sleep(700);
    long before = db.queryLong(ROWS);
    JsonNode status = json(page + "api/status");
    long after = db.queryLong(ROWS);
    JsonNode step = status.at("/versions/1/steps/0");
    assertThat(step.at("/id").asText()).isEqualTo("seed");
    assertThat(step.at("/state").asText()).isEqualTo("running")
        .isEqualTo(db.queryString("SELECT state FROM hal9_steps WHERE step_id = 'seed'"));
    assertThat(step.at("/rows").asLong()).isBetween(before, after);
    assertThat(step.at("/expected").asLong()).isEqualTo(COUNT);
    assertThat(step.at("/heldBy").asText()).isEqualTo("max-rows-per-second 2000");
    assertThat(step.at("/rowsPerSecond").asDouble()).as(status.toString()).isBetween(100.0, 4000.0);
    assertThat(step.at("/etaSeconds").asLong()).isPositive();
    assertThat(status.at("/rates/seed")).isNotEmpty();
    assertThat(status.at("/lock/pid").asLong()).isEqualTo(run.pid());
    assertThat(status.at("/lock/runId").asText()).isEqualTo(db.queryString("SELECT run_id FROM hal9_lock"));
    assertThat(status.has("rollout")).as("no rollout before there is one").isFalse();
    assertThat(json(page + "api/events?limit=5").at("/events/0/type").asText()).isEqualTo("step_started");

    // The page, as Chromium renders it: the rows between the table's before and after the dump.
    before = db.queryLong(ROWS);
    String dom = chromium.dom(page);
    after = db.queryLong(ROWS);
    assertThat(dom).contains("<body data-loaded=\"true\"");
    String row = row(dom, "seed");
    assertThat(field(row, "state")).isEqualTo("running");
    assertThat(Long.parseLong(field(row, "rows"))).isBetween(before, after);
    assertThat(field(row, "expected")).isEqualTo(String.valueOf(COUNT));
    assertThat(Long.parseLong(field(row, "rate"))).isPositive();
    assertThat(row).contains("held back: max-rows-per-second 2000");
    assertThat(field(dom, "lock-pid")).isEqualTo(String.valueOf(run.pid()));
    assertThat(dom).contains("data-type=\"step_started\"").containsPattern("id=\"paused\"[^>]*hidden")
        .containsPattern("id=\"rollout\"[^>]*hidden").containsPattern("<polyline data-step=\"seed\"");

    // Paused from another process: the page says so, and the rows stand still.
    assertThat(cli.run("pause").exit()).isZero();
    long held = db.awaitStill(ROWS, Duration.ofSeconds(1)); // the batch under way when the pause came commits, then none
    dom = chromium.dom(page);
    assertThat(dom).doesNotContainPattern("id=\"paused\"[^>]*hidden").contains("Paused since");
    assertThat(field(row(dom, "seed"), "state")).isEqualTo("paused");
    assertThat(field(row(dom, "seed"), "rows")).isEqualTo(String.valueOf(held));
    Path png = chromium.screenshot(page, Path.of("target/artifacts/status-page-" + db.name() + ".png"));
    assertThat(Files.size(png)).isGreaterThan(10_000);

    // The rest at full speed: the run stopped, its rate limit (a tuning key, out of the checksum) dropped, resumed.
    run.terminate();
    assertThat(run.waitFor(Duration.ofMinutes(1))).as(run.toString()).isEqualTo(143);
    Files.writeString(plans.resolve("V2__seed.yaml"), seed(""));
    assertThat(cli.run("resume").exit()).isZero();
    Cli.Result rest = cli.run("run");
    assertThat(rest.exit()).as(rest.toString()).isZero();
    dom = chromium.dom(page);
    row = row(dom, "seed");
    assertThat(field(row, "state")).isEqualTo("done");
    assertThat(field(row, "percent")).isEqualTo("100.0");
    assertThat(field(row, "rows")).isEqualTo(String.valueOf(db.queryLong(ROWS))).isEqualTo(String.valueOf(COUNT));
    assertThat(dom).contains("data-field=\"lock-free\"").contains("data-type=\"step_finished\"");

    // Read-only, and no secret anywhere.
    assertThat(send("POST", page + "api/status").statusCode()).isEqualTo(405);
    assertThat(send("PUT", page).statusCode()).isEqualTo(405);
    assertThat(send("HEAD", page + "api/status").statusCode()).isEqualTo(200);
    assertThat(get(page + "nothing-here").statusCode()).isEqualTo(404);
    String api = get(page + "api/status").body();
    assertThat(api + get(page + "api/events").body() + get(page).body() + dom + dashboard.stdout() + dashboard.stderr())
        .doesNotContain(SECRET);
    if (db.isPostgres()) {
      assertThat(JSON.readTree(api).at("/database").asText()).endsWith("&password=***");
    }

    dashboard.terminate();
    assertThat(dashboard.waitFor(Duration.ofSeconds(30))).as(dashboard.toString()).isEqualTo(143);
  }

  /**
   * On an embedded H2 file, reached by nothing else: the dashboard opens it only for each request, so a run started
   * after it owns the file, and the dashboard stopping mid-run breaks nothing.
   */
  @Test
  void onAnEmbeddedH2FileTheDashboardNeverHoldsItAgainstTheRun() throws Exception {
    try (TestDatabase db = TestDatabase.h2()) {
      Path plans = Plans.in(dir.resolve("plans")).withReferenceSchema()
          .file("V2__seed.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    count: 9000\n    batch-size: 300\n"
              + "    max-rows-per-second: 3000\n")
          .path();
      CliProcess dashboard = CliProcess.start(dir.resolve("work"), "dashboard", "--port", "0", "--json", "--url", db.url(),
          "--plans", plans.toString());
      String page = awaitUrl(dashboard);
      assertThat(json(page + "api/status").at("/versions/1/steps/0/state").asText()).isEqualTo("pending");
      CliProcess run = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
          "--progress-interval", "1");
      run.awaitRows(1, Duration.ofMinutes(1));
      assertThat(json(page + "api/status").at("/lock/pid").asLong()).isEqualTo(run.pid());
      dashboard.terminate();
      assertThat(dashboard.waitFor(Duration.ofSeconds(30))).as(dashboard.toString()).isEqualTo(143);
      assertThat(run.waitFor(Duration.ofMinutes(1))).as(run.toString()).isZero();
      assertThat(db.queryLong("SELECT count(*) FROM neurons")).isEqualTo(9000);
    }
  }

  @Test
  void aPortInUseIsAUsageErrorNamingTheAddress() throws Exception {
    try (TestDatabase db = TestDatabase.h2(); ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Cli cli = new Cli(db, Plans.in(dir.resolve("plans")).withReferenceSchema().path());
      String port = String.valueOf(busy.getLocalPort());
      Cli.Result refused = cli.run("dashboard", "--port", port);
      assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
      assertThat(refused.errors()).singleElement().asString().startsWith("--port " + port + ": cannot serve on 127.0.0.1:"
          + port + ": ");
      assertThat(cli.run("dashboard", "--refresh", "0").errors()).containsExactly("--refresh 0.0: expected a positive"
          + " number of seconds");
    }
  }

  private static String seed(String tuning) {
    return "steps:\n  - id: seed\n    type: neuron-seed\n    count: " + COUNT + "\n    batch-size: 500\n" + tuning;
  }

  /** The step's row of the steps table. */
  private static String row(String dom, String step) {
    Matcher m = Pattern.compile("<tr data-step=\"" + step + "\".*?</tr>", Pattern.DOTALL).matcher(dom);
    assertThat(m.find()).as("no row of step %s in:\n%s", step, dom).isTrue();
    return m.group();
  }

  /** The data-value (else the text) of the element with that data-field. */
  private static String field(String html, String name) {
    Matcher m = Pattern.compile("data-field=\"" + name + "\"(?: data-value=\"([^\"]*)\")?[^>]*>([^<]*)").matcher(html);
    assertThat(m.find()).as("no field %s in:\n%s", name, html).isTrue();
    return m.group(1) != null ? m.group(1) : m.group(2);
  }

  private static String awaitUrl(CliProcess dashboard) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      Matcher m = URL_LINE.matcher(dashboard.stdout());
      if (m.find()) {
        return m.group(1);
      }
      assertThat(dashboard.isAlive()).as(dashboard.toString()).isTrue();
      assertThat(System.nanoTime()).as("no URL within a minute: %s", dashboard).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static void awaitRows(TestDatabase db, long rows, CliProcess run) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (rowsOf(db) < rows) {
      assertThat(run.isAlive()).as(run.toString()).isTrue();
      assertThat(System.nanoTime()).as("no %d rows within a minute: %s", rows, run).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static long rowsOf(TestDatabase db) {
    try {
      return db.queryLong(ROWS);
    } catch (java.sql.SQLException notYet) {
      return 0;
    }
  }

  private static JsonNode json(String url) throws IOException, InterruptedException {
    HttpResponse<String> response = get(url);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    return JSON.readTree(response.body());
  }

  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return send("GET", url);
  }

  private static HttpResponse<String> send(String method, String url) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
