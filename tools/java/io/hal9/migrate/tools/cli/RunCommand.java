package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.MigrateResult;
import io.hal9.migrate.engine.api.ProgressListener;
import io.hal9.migrate.engine.api.StepOutcome;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Apply pending versions; an interrupted step resumes from its checkpoint.")
final class RunCommand extends EngineCommand {
  @Option(names = "--target", paramLabel = "VERSION", description = "Stop after this version.")
  String target;

  @Option(names = "--dry-run", description = "Show what would run; write nothing.")
  boolean dryRun;

  @Option(names = "--wait-lock", paramLabel = "SECONDS", description = "Wait this long for another run's lock (default 0: exit 3 at once).")
  long waitLock;

  @Option(names = "--lease", paramLabel = "SECONDS", description = "Lock lease without heartbeat before others may take over (default 30).")
  long lease = 30;

  @Option(names = "--progress-interval", paramLabel = "SECONDS", description = "Seconds between progress log lines off a terminal (default 10).")
  long progressInterval = 10;

  @Option(names = "--prometheus", paramLabel = "URL",
      description = "The Prometheus server that steps' throttle-query expressions are asked of (http://HOST:9090).")
  URI prometheus;

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Override
  URI prometheus() {
    return prometheus;
  }

  @Override
  MetricsOptions metrics() {
    return metrics;
  }

  @Override
  boolean interruptible() {
    return true;
  }

  @Override
  String target() {
    return target;
  }

  @Override
  Duration lease() {
    return Duration.ofSeconds(lease);
  }

  @Override
  Duration lockWait() {
    return Duration.ofSeconds(waitLock);
  }

  @Override
  ProgressListener progress() {
    return new ProgressDisplay(System.console() != null && !options.json, Duration.ofSeconds(progressInterval));
  }

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    MigrateResult result = dryRun ? hal9.dryRun() : hal9.migrate();
    long rows = 0;
    for (StepOutcome step : result.steps()) {
      rows += step.rows();
      out.line(String.format("  V%-6s %-24s %-12s %-13s %,d rows", step.version(), step.id(), step.type(), step.result().label(), step.rows()));
      step.preview().forEach(line -> out.line("          " + line));
    }
    if (result.dryRun()) {
      out.line(result.steps().isEmpty() ? "Dry run: nothing to do, the database is up to date."
          : "Dry run: " + result.steps().size() + " step(s) would run; nothing was written.");
    } else if (result.steps().isEmpty() && result.versionsApplied().isEmpty()) {
      out.line("Up to date: nothing to run.");
    } else {
      List<String> versions = result.versionsApplied();
      String which = versions.size() <= 10 ? String.join(", ", versions)
          : versions.get(0) + " to " + versions.get(versions.size() - 1) + " (" + versions.size() + " versions)";
      out.line(String.format("Applied version(s) %s: %d step(s), %,d rows.", which, result.steps().size(), rows));
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("dryRun", result.dryRun());
    fields.put("runId", result.runId());
    fields.put("versionsApplied", result.versionsApplied());
    fields.put("steps", result.steps().stream().map(s -> {
      Map<String, Object> step = new LinkedHashMap<>();
      step.put("version", s.version());
      step.put("id", s.id());
      step.put("type", s.type());
      step.put("state", s.result().label());
      step.put("rows", s.rows());
      step.put("millis", s.elapsed().toMillis());
      if (result.dryRun()) {
        step.put("preview", s.preview());
      }
      return step;
    }).toList());
    return fields;
  }
}
