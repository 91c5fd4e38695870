package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9Migrate;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "pause", description = "Pause the runs on this database (from any machine): the running step waits before"
    + " its next batch, keeping its lock, until 'resume'.")
final class PauseCommand extends EngineCommand {

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    boolean changed = hal9.pause();
    out.line(changed ? "Paused: the running step stops before its next batch and waits for 'hal9-migrate resume'."
        : "Already paused.");
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("paused", true);
    fields.put("changed", changed);
    return fields;
  }
}
