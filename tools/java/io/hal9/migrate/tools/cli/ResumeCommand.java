package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9Migrate;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "resume", description = "Resume paused runs: the waiting step goes on with its next batch.")
final class ResumeCommand extends EngineCommand {

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    boolean changed = hal9.resume();
    out.line(changed ? "Resumed." : "Not paused.");
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("paused", false);
    fields.put("changed", changed);
    return fields;
  }
}
