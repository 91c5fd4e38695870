package io.hal9.migrate.engine.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.OptionalDouble;

/** An instant query against Prometheus's HTTP API ({@code /api/v1/query}), answered by its largest sample. */
public final class PrometheusQuery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final URI server;

  public PrometheusQuery(URI server) {
    this.server = server;
  }

  /**
   * The largest value of the query's answer (a vector's samples or a scalar), or empty when it has none: no series
   * matched, which a caller that guards something must treat as unhealthy.
   *
   * @throws IllegalStateException when Prometheus cannot be reached or refuses the query, with its reason
   */
  public OptionalDouble max(String query) {
    URI uri = server.resolve("/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    JsonNode answer;
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      answer = JSON.readTree(response.body());
      if (!"success".equals(answer.path("status").asText())) {
        throw new IllegalStateException("Prometheus at " + server + " refused the query: " + answer.path("error").asText(response.body()));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot query Prometheus at " + server + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while querying Prometheus at " + server, e);
    }
    JsonNode data = answer.path("data");
    JsonNode result = data.path("result");
    if ("scalar".equals(data.path("resultType").asText())) {
      return value(result);
    }
    OptionalDouble max = OptionalDouble.empty();
    for (JsonNode series : result) {
      OptionalDouble v = value(series.path("value"));
      if (v.isPresent() && (max.isEmpty() || v.getAsDouble() > max.getAsDouble())) {
        max = v;
      }
    }
    return max;
  }

  /** A sample {@code [time, "value"]}; NaN counts as no data. */
  private static OptionalDouble value(JsonNode sample) {
    if (!sample.isArray() || sample.size() < 2) {
      return OptionalDouble.empty();
    }
    double v = Double.parseDouble(sample.get(1).asText());
    return Double.isNaN(v) ? OptionalDouble.empty() : OptionalDouble.of(v);
  }
}
