package io.hal9.migrate.tools.precheck;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.spi.PrometheusQuery;
import io.hal9.migrate.tools.health.CheckResult;
import io.hal9.migrate.tools.health.CheckStatus;
import io.hal9.migrate.tools.health.HealthChecks;
import io.hal9.migrate.tools.health.HealthTarget;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.DoubleFunction;

/**
 * HAL9's readiness checks before a migration (CPU < 70%, memory < 80%, disk > 100 GB free, latency < 10 ms), each
 * measured now: CPU and memory of HAL9's pods against their limits from Prometheus (else of this machine), the
 * free space of a disk and the database round trip through the health checks, and HAL9's request p99 from
 * Prometheus. Reads only.
 */
public final class Precheck {
  /** The same expressions as the rollout's gates: the busiest HAL9 container against its own limit. */
  public static final String CPU_QUERY = "max(rate(container_cpu_usage_seconds_total{container=\"hal9\"}[5m])"
      + " / on (namespace, pod, container) kube_pod_container_resource_limits{container=\"hal9\", resource=\"cpu\"})";
  public static final String MEMORY_QUERY = "max(container_memory_working_set_bytes{container=\"hal9\"}"
      + " / on (namespace, pod, container) kube_pod_container_resource_limits{container=\"hal9\", resource=\"memory\"})";
  public static final String LATENCY_QUERY =
      "histogram_quantile(0.99, sum by (le) (rate(hal9_request_duration_seconds_bucket{system=\"flat\"}[5m])))";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** HAL9's limits by default; {@code maxCpu} and {@code maxMemory} are shares (0.7 is 70%). */
  public record Limits(double maxCpu, double maxMemory, long minDiskFree, double maxLatencyMillis) {}

  /** The PromQL asked for each figure ({@code latency} in seconds, as HAL9's histogram is). */
  public record Queries(String cpu, String memory, String latency) {}

  /** The disk to hold to {@code minDiskFree}, and why that one ("--disk", "the database's data directory"). */
  public record Disk(Path path, String why) {}

  private final Limits limits;
  private final Disk disk;
  private final URI prometheus;
  private final Queries queries;

  /** @param prometheus null: CPU and memory of this machine, and no request p99 */
  public Precheck(Limits limits, Disk disk, URI prometheus, Queries queries) {
    this.limits = limits;
    this.disk = disk;
    this.prometheus = prometheus;
    this.queries = queries;
  }

  /** The disk of the database's data directory when it is on this machine, else of the working directory. */
  public static Disk defaultDisk(String url, HealthTarget target) {
    return DataDirectory.of(url, target).map(path -> new Disk(path, "the database's data directory"))
        .orElse(new Disk(Path.of(".").toAbsolutePath().normalize(), "the working directory"));
  }

  /** Every check, failing or not, in HAL9's order. */
  public List<Readiness> run(HealthTarget target) {
    List<Readiness> checks = new ArrayList<>();
    if (prometheus == null) {
      MachineLoad machine = new MachineLoad();
      checks.add(machine.cpu(limits.maxCpu()));
      checks.add(machine.memory(limits.maxMemory()));
    } else {
      PrometheusQuery query = new PrometheusQuery(prometheus);
      checks.add(asked(query, "cpu", queries.cpu(), limits.maxCpu(), 1, Readiness::share));
      checks.add(asked(query, "memory", queries.memory(), limits.maxMemory(), 1, Readiness::share));
    }
    checks.add(diskFree(target));
    checks.add(databaseLatency(target));
    if (prometheus != null) {
      checks.add(asked(new PrometheusQuery(prometheus), "request-p99", queries.latency(), limits.maxLatencyMillis(), 1000,
          Readiness::millis));
    }
    return checks;
  }

  /** A query without data is no pass (fail closed), and an unreachable Prometheus is a failed check, not a crash. */
  private Readiness asked(PrometheusQuery query, String name, String expression, double limit, double scale,
      DoubleFunction<String> format) {
    String source = "prometheus " + prometheus;
    OptionalDouble answer;
    try {
      answer = query.max(expression);
    } catch (IllegalStateException e) {
      return Readiness.unmeasured(name, limit, source, e.getMessage());
    }
    if (answer.isEmpty()) {
      return Readiness.unmeasured(name, limit, source, "no data for " + expression);
    }
    return Readiness.below(name, answer.getAsDouble() * scale, limit, source, format);
  }

  /** The {@code disk} health check, held to the free space alone: a big disk may be 90% used and still ready. */
  private Readiness diskFree(HealthTarget target) {
    ObjectNode entry = JSON.createObjectNode().put("check", "disk").put("path", disk.path().toString())
        .put("max-used-percent", 100).put("min-free-bytes", limits.minDiskFree());
    CheckResult result = health(entry).run(target);
    String source = "filesystem of " + disk.path() + " (" + disk.why() + ")";
    Object available = result.measured().get("availableBytes");
    if (!(available instanceof Number bytes)) {
      return Readiness.unmeasured("disk-free", limits.minDiskFree(), source, result.message());
    }
    Readiness free = Readiness.atLeast("disk-free", bytes.doubleValue(), limits.minDiskFree(), source, Bytes::format);
    return result.status() == CheckStatus.WARNING ? free.warning(result.message()) : free;
  }

  /** The {@code database} health check's round trip ({@code SELECT 1}). */
  private Readiness databaseLatency(HealthTarget target) {
    ObjectNode entry = JSON.createObjectNode().put("check", "database").put("max-latency-ms", limits.maxLatencyMillis());
    CheckResult result = health(entry).run(target);
    String source = "database round trip (SELECT 1)";
    Object latency = result.measured().get("latencyMs");
    if (!(latency instanceof Number millis)) {
      return Readiness.unmeasured("database-latency", limits.maxLatencyMillis(), source, result.message());
    }
    return Readiness.below("database-latency", millis.doubleValue(), limits.maxLatencyMillis(), source, Readiness::millis);
  }

  private static io.hal9.migrate.tools.health.HealthCheck health(ObjectNode entry) {
    return HealthChecks.parse(JSON.createArrayNode().add(entry), Path.of("."), (index, key, message) -> {
      throw new IllegalArgumentException(message);
    }).get(0);
  }
}
