package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.RollbackResult;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "rollback", description = "Undo the versions after --to, newest first; refuses before changing anything if a step has no undo.")
final class RollbackCommand extends EngineCommand {
  @Option(names = "--to", required = true, paramLabel = "VERSION", description = "The version to return to (it stays applied).")
  String to;

  @Option(names = "--wait-lock", paramLabel = "SECONDS", description = "Wait this long for another run's lock.")
  long waitLock;

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Override
  MetricsOptions metrics() {
    return metrics;
  }

  @Override
  Duration lockWait() {
    return Duration.ofSeconds(waitLock);
  }

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    RollbackResult result;
    try {
      result = hal9.rollback(to);
    } catch (Hal9MigrateException e) {
      throw Hints.ofOption("--to", e);
    }
    out.line(result.versions().isEmpty() ? "Nothing to roll back after version " + to + "."
        : "Rolled back version(s) " + String.join(", ", result.versions()) + " (steps " + String.join(", ", result.steps()) + ").");
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("to", result.target());
    fields.put("versions", result.versions());
    fields.put("steps", result.steps());
    return fields;
  }
}
