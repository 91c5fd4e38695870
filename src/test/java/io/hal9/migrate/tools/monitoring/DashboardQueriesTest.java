package io.hal9.migrate.tools.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.Hal9Application;
import io.hal9.migrate.support.LocalServer;
import io.hal9.migrate.support.LocalServer.ScrapeTarget;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of both Grafana dashboards ({@code tools/monitoring/grafana}) evaluated by a real Prometheus that scraped
 * a real run (a CLI child process on {@code --metrics-port}) and an exporter of HAL9's own application series: each
 * must be valid PromQL and find data, but for the series that are not exported yet (named below).
 */
class DashboardQueriesTest {
  private static final Path DASHBOARDS = Path.of("tools/monitoring/grafana");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Grafana's interval variables as this test's 1 s scrapes and its short run call for. */
  private static final Map<String, String> INTERVALS = Map.of(
      "$__rate_interval", "1m", // covers the whole run from its last scrape: every rate has two samples or more
      "$__interval", "5s",
      "$__range", "1m");

  @TempDir Path dir;

  @Test
  void dashboardsHaveTheirUidsUniquePanelIdsAndTheDatasourceVariable() throws Exception {
    Map<String, JsonNode> dashboards = dashboards();
    assertThat(dashboards.get("hal9-migrate.json").path("uid").asText()).isEqualTo("hal9-migrate");
    assertThat(dashboards.get("hal9-migration.json").path("uid").asText()).isEqualTo("hal9-migration");
    assertThat(dashboards.get("hal9-migration.json").path("title").asText()).isEqualTo("HAL9 Migration");
    for (Map.Entry<String, JsonNode> each : dashboards.entrySet()) {
      String file = each.getKey();
      JsonNode dashboard = each.getValue();
      assertThat(dashboard.path("schemaVersion").asInt()).as(file).isBetween(36, 41);
      JsonNode datasource = variable(dashboard, "datasource");
      assertThat(datasource).as(file + ": a datasource variable").isNotNull();
      assertThat(datasource.path("type").asText()).isEqualTo("datasource");
      assertThat(datasource.path("query").asText()).isEqualTo("prometheus");

      List<JsonNode> panels = panels(dashboard);
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : panels) {
        String name = file + ": panel " + panel.path("id") + " '" + panel.path("title").asText() + "'";
        assertThat(ids.add(panel.path("id").asInt(-1))).as(name + ": a unique id").isTrue();
        assertThat(panel.path("type").asText()).as(name)
            .isIn("row", "timeseries", "stat", "gauge", "state-timeline", "table");
        assertThat(panel.path("datasource").path("uid").asText()).as(name + ": datasource").isEqualTo("${datasource}");
        for (JsonNode target : panel.path("targets")) {
          assertThat(target.path("datasource").path("uid").asText()).as(name + " target " + target.path("refId"))
              .isEqualTo("${datasource}");
          assertThat(target.path("expr").asText()).as(name + " target " + target.path("refId")).isNotBlank();
        }
        if (!panel.path("type").asText().equals("row")) {
          assertThat(panel.path("targets").size()).as(name + ": targets").isPositive();
        }
      }
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if (variable.path("type").asText().equals("query")) {
          assertThat(variable.path("datasource").path("uid").asText()).as(file + ": variable " + variable.path("name"))
              .isEqualTo("${datasource}");
        }
      }
    }
  }

  @Test
  void everyPanelQueryFindsDataInPrometheusAfterARealRun() throws Exception {
    Path plans = Plans.in(dir.resolve("plans")).withReferenceSchema()
        .file("V2__seed.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    count: 2000\n    seed: 7\n"
            + "    batch-size: 100\n    max-rows-per-second: 800\n")
        .file("V3__state.yaml", "steps:\n  - id: state-v2\n    type: neuron-state\n    from-version: 1\n    to-version: 2\n"
            + "    batch-size: 100\n    max-rows-per-second: 800\n    ops:\n"
            + "      - clamp: {field: activation, min: 0.0, max: 1.0}\n")
        .file("V4__embed.yaml", "steps:\n  - id: embed\n    type: embedding\n    table: neurons\n    key: id\n"
            + "    text: state.label\n    model: ngram-hash\n    dimensions: 64\n    target: neuron_embeddings\n"
            + "    batch-size: 100\n    max-rows-per-second: 800\n")
        .file("V5__canary.yaml", "steps:\n  - id: canary\n    type: rollout\n    phase: canary\n    bake: 2s\n"
            + "    interval: 1s\n    rollback-when: []\n")
        .path();
    int runPort = LocalServer.freePort();
    try (TestDatabase db = TestDatabase.h2(); Hal9Application hal9 = Hal9Application.start(0.002, null);
        LocalServer prometheus = LocalServer.prometheus(dir,
            new ScrapeTarget("hal9-migrate", "127.0.0.1:" + runPort), new ScrapeTarget("hal9", hal9.address()))) {
      CliProcess run = CliProcess.start(dir.resolve("work"), "run", "--url", db.url(), "--plans", plans.toString(),
          "--metrics-host", "127.0.0.1", "--metrics-port", String.valueOf(runPort));
      assertThat(run.waitFor(Duration.ofSeconds(45))).as(run.toString()).isZero();

      // The run as Prometheus stored it: the lock epoch is served from the lock's taking to the process's end.
      JsonNode samples = prometheus.query("hal9_migrate_lock_epoch{job=\"hal9-migrate\"}[5m]")
          .path("data").path("result").path(0).path("values");
      assertThat(samples.size()).as("scrapes of the run\n" + prometheus.log()).isGreaterThanOrEqualTo(4);
      String first = samples.get(0).get(0).decimalValue().toPlainString();
      String last = samples.get(samples.size() - 1).get(0).decimalValue().toPlainString();

      // Every query at the run's last scrape (the process is gone since, its series stale after it): all it exported is
      // there, and a rate over $__rate_interval (1m) reaches back over the whole run.
      List<String> failures = new ArrayList<>();
      int evaluated = 0;
      for (Map.Entry<String, JsonNode> dashboard : dashboards().entrySet()) {
        Map<String, String> variables = substitutions(dashboard.getValue());
        for (JsonNode panel : panels(dashboard.getValue())) {
          for (JsonNode target : panel.path("targets")) {
            String where = dashboard.getKey() + " '" + panel.path("title").asText() + "' " + target.path("refId").asText();
            String expr = substitute(target.path("expr").asText(), variables);
            JsonNode answer = prometheus.query(expr, last);
            evaluated++;
            if (!answer.path("status").asText().equals("success")) {
              failures.add(where + ": " + answer + "\n    " + expr);
            } else if (isEmpty(answer.path("data"))) {
              failures.add(where + ": no data\n    " + expr);
            }
          }
        }
        for (JsonNode variable : dashboard.getValue().path("templating").path("list")) {
          if (variable.path("type").asText().equals("query")) {
            String where = dashboard.getKey() + " variable " + variable.path("name").asText();
            Matcher m = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)").matcher(variable.path("definition").asText());
            assertThat(m.matches()).as(where + ": label_values(SELECTOR, LABEL)").isTrue();
            JsonNode values = JSON.readTree(prometheus.get("/api/v1/label/" + m.group(2) + "/values?match[]="
                + encode(substitute(m.group(1), variables)) + "&start=" + first + "&end=" + last).body());
            if (!values.path("status").asText().equals("success") || values.path("data").isEmpty()) {
              failures.add(where + ": " + values);
            }
          }
        }
      }
      assertThat(failures).as(evaluated + " expressions at " + last).isEmpty();
      assertThat(evaluated).isGreaterThan(40);

      // And the rows/s panel really shows each data step's pace while it ran (max-rows-per-second 800).
      JsonNode pace = JSON.readTree(prometheus.get("/api/v1/query_range?query="
          + encode("sum by (step) (rate(hal9_migrate_rows_total{job=\"hal9-migrate\"}[5s]))") + "&start=" + first
          + "&end=" + last + "&step=1").body());
      Map<String, Double> fastest = new LinkedHashMap<>();
      for (JsonNode series : pace.path("data").path("result")) {
        for (JsonNode point : series.path("values")) {
          fastest.merge(series.path("metric").path("step").asText(), point.get(1).asDouble(), Math::max);
        }
      }
      assertThat(fastest).as(pace.toString()).containsKeys("seed", "state-v2", "embed");
      assertThat(fastest).allSatisfy((step, rate) -> assertThat(rate).as(step)
          .isBetween(step.equals("create-neurons") || step.equals("canary") ? 0.0 : 100.0, 1200.0)); // a bake counts seconds
    }
  }

  private static boolean isEmpty(JsonNode data) {
    String type = data.path("resultType").asText();
    return !type.equals("scalar") && !type.equals("string") && data.path("result").isEmpty();
  }

  /** Grafana's interval variables, and each query variable as its "All" value. */
  private static Map<String, String> substitutions(JsonNode dashboard) {
    Map<String, String> variables = new LinkedHashMap<>(INTERVALS);
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        String all = variable.path("allValue").asText(".*");
        variables.put("${" + variable.path("name").asText() + "}", all);
        variables.put("$" + variable.path("name").asText(), all);
      }
    }
    return variables;
  }

  private static String substitute(String expr, Map<String, String> variables) {
    String result = expr;
    // Longest first: $__rate_interval before $__range, ${job} before $job.
    List<String> names = new ArrayList<>(variables.keySet());
    names.sort((a, b) -> b.length() - a.length());
    for (String name : names) {
      result = result.replace(name, variables.get(name));
    }
    assertThat(result).as("a variable this test does not know in " + expr).doesNotContain("$");
    return result;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Map<String, JsonNode> dashboards() throws Exception {
    Map<String, JsonNode> dashboards = new LinkedHashMap<>();
    for (String file : List.of("hal9-migrate.json", "hal9-migration.json")) {
      dashboards.put(file, JSON.readTree(DASHBOARDS.resolve(file).toFile()));
    }
    return dashboards;
  }

  /** Every panel, those inside (collapsed) rows included. */
  private static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> all = new ArrayList<>();
    collect(dashboard.path("panels"), all);
    return all;
  }

  private static void collect(JsonNode panels, List<JsonNode> into) {
    for (JsonNode panel : panels) {
      into.add(panel);
      collect(panel.path("panels"), into);
    }
  }

  private static JsonNode variable(JsonNode dashboard, String name) {
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("name").asText().equals(name)) {
        return variable;
      }
    }
    return null;
  }
}
