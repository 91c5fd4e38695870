package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import io.hal9.migrate.tools.health.HealthTarget;
import io.hal9.migrate.tools.precheck.Bytes;
import io.hal9.migrate.tools.precheck.Precheck;
import io.hal9.migrate.tools.precheck.Readiness;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "precheck", description = {
    "HAL9's readiness checks before a migration, measured now: CPU < 70% and memory < 80% of the HAL9 pods' limits,",
    "disk > 100 GB free, latency < 10 ms (exit 5 when one fails). Reads only.",
    "Without --prometheus, CPU and memory are this machine's and HAL9's request p99 is not checked."})
final class PrecheckCommand extends ToolCommand {
  @Option(names = "--prometheus", paramLabel = "URL", description = "Prometheus with HAL9's pods' and requests' series.")
  URI prometheus;

  @Option(names = "--max-cpu", paramLabel = "SHARE", defaultValue = "0.7", description = "Highest CPU share of the limit (default ${DEFAULT-VALUE}).")
  double maxCpu;

  @Option(names = "--max-memory", paramLabel = "SHARE", defaultValue = "0.8",
      description = "Highest memory share of the limit (default ${DEFAULT-VALUE}).")
  double maxMemory;

  @Option(names = "--min-disk-free", paramLabel = "SIZE", defaultValue = "100GB", converter = SizeConverter.class,
      description = "Least free space on --disk: 100GB, 512MiB, bytes (default ${DEFAULT-VALUE}).")
  long minDiskFree;

  @Option(names = "--max-latency-ms", paramLabel = "MS", defaultValue = "10",
      description = "Highest database round trip and request p99 (default ${DEFAULT-VALUE}).")
  double maxLatencyMillis;

  @Option(names = "--disk", paramLabel = "PATH",
      description = "Where free space counts (default: the database's data directory when on this machine, else .).")
  Path disk;

  @Option(names = "--query-cpu", paramLabel = "PROMQL", description = "CPU share of the limit (default: HAL9's container).")
  String queryCpu = Precheck.CPU_QUERY;

  @Option(names = "--query-memory", paramLabel = "PROMQL", description = "Memory share of the limit (default: HAL9's container).")
  String queryMemory = Precheck.MEMORY_QUERY;

  @Option(names = "--query-latency", paramLabel = "PROMQL",
      description = "Request p99 in seconds (default: HAL9's flat system's histogram).")
  String queryLatency = Precheck.LATENCY_QUERY;

  @Override
  Map<String, Object> execute() throws Exception {
    validate();
    List<Readiness> checks;
    try (HealthTarget target = HealthTarget.connecting(options.url, options.user, options.password())) {
      refuseBadUrl(target);
      Precheck.Disk where = disk != null ? new Precheck.Disk(disk.toAbsolutePath().normalize(), "--disk")
          : Precheck.defaultDisk(options.url, target);
      checks = new Precheck(new Precheck.Limits(maxCpu, maxMemory, minDiskFree, maxLatencyMillis), where, prometheus,
          new Precheck.Queries(queryCpu, queryMemory, queryLatency)).run(target);
    }
    int width = checks.stream().mapToInt(check -> check.name().length()).max().orElse(0);
    int figures = checks.stream().mapToInt(check -> check.message().length()).max().orElse(0);
    for (Readiness check : checks) {
      out.line(String.format(Locale.ROOT, "%-8s %-" + width + "s  %-" + Math.min(figures, 40) + "s  from %s",
          check.status().label(), check.name(), check.message(), check.source()));
    }
    List<Readiness> failed = checks.stream().filter(check -> check.status() == Readiness.Status.FAILED).toList();
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("ready", failed.isEmpty());
    fields.put("checks", checks.stream().map(Readiness::toMap).toList());
    long warnings = checks.stream().filter(check -> check.status() == Readiness.Status.WARNING).count();
    out.line("precheck: " + (failed.isEmpty() ? "ready" : "not ready") + " (" + checks.size() + " checks: "
        + (checks.size() - failed.size() - warnings) + " passed, " + warnings + " warning, " + failed.size() + " failed)");
    if (!failed.isEmpty()) {
      List<String> details = failed.stream().map(Readiness::summary).toList();
      String more = details.size() > 1 ? " (and " + (details.size() - 1) + " more failed)" : "";
      throw new CheckFailed(ToolCode.HEALTH_FAILED, "not ready: " + details.get(0) + more, details, fields);
    }
    return fields;
  }

  /** Bad input is exit 2 before anything is measured; a disk that does not exist is a typo, not a full disk. */
  private void validate() {
    if (prometheus != null && (prometheus.getAuthority() == null
        || !List.of("http", "https").contains(String.valueOf(prometheus.getScheme())))) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--prometheus " + prometheus + ": expected http://HOST:PORT");
    }
    if (disk != null && !Files.exists(disk)) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--disk " + disk + ": no such file or directory");
    }
    for (var limit : Map.of("--max-cpu", maxCpu, "--max-memory", maxMemory, "--max-latency-ms", maxLatencyMillis).entrySet()) {
      if (!(limit.getValue() > 0)) {
        throw new Hal9MigrateException(ErrorCode.USAGE, limit.getKey() + " " + limit.getValue() + ": expected a number above 0");
      }
    }
  }

  /**
   * A URL no driver takes is bad input (exit 2); a database that does not answer is a failed latency check, as in
   * {@code health}.
   */
  private static void refuseBadUrl(HealthTarget target) {
    try {
      target.dataSource();
    } catch (Hal9MigrateException e) {
      if (e.code() == ErrorCode.BAD_URL) {
        throw e;
      }
    }
  }

  static final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      try {
        return Bytes.parse(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }
}
