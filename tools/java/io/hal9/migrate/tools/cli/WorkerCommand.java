package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.ProgressListener;
import io.hal9.migrate.engine.api.WorkResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", description = "Work partitions of partitioned steps (partitions: N) beside the run, on this or any"
    + " machine, until the plans have nothing left to run.")
final class WorkerCommand extends EngineCommand {
  @Option(names = "--idle-timeout", paramLabel = "SECONDS",
      description = "Leave after finding no partition to claim for this long while steps are still pending (default 600).")
  long idleTimeout = 600;

  @Option(names = "--lease", paramLabel = "SECONDS",
      description = "A claimed partition's lease without heartbeat before another worker may take it over (default 30).")
  long lease = 30;

  @Option(names = "--progress-interval", paramLabel = "SECONDS", description = "Seconds between progress log lines off a terminal (default 10).")
  long progressInterval = 10;

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Override
  MetricsOptions metrics() {
    return metrics;
  }

  @Override
  boolean interruptible() {
    return true;
  }

  @Override
  Duration lease() {
    return Duration.ofSeconds(lease);
  }

  @Override
  ProgressListener progress() {
    return new ProgressDisplay(System.console() != null && !options.json, Duration.ofSeconds(progressInterval));
  }

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    WorkResult result = hal9.work(Duration.ofSeconds(idleTimeout));
    out.line(String.format("Worker done: %d partition(s), %,d rows; %s.", result.partitions(), result.rows(), result.ended()));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("runId", result.workerId());
    fields.put("partitions", result.partitions());
    fields.put("rows", result.rows());
    fields.put("ended", result.ended());
    return fields;
  }
}
