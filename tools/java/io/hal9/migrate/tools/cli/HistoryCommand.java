package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.HistoryLine;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "history", description = "List every version applied or rolled back, by whom, when, how long.")
final class HistoryCommand extends EngineCommand {

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    List<HistoryLine> history = hal9.history();
    if (history.isEmpty()) {
      out.line("No version applied yet.");
    }
    for (HistoryLine line : history) {
      out.line(String.format("%4d  V%-6s %-9s %-19s %6d ms  %-28s %s", line.rank(), line.version(), line.action().label(),
          line.installedOn().withNano(0), line.executionMillis(), line.script(), line.installedBy()));
    }
    return Map.of("history", history.stream().map(HistoryCommand::line).toList());
  }

  private static Map<String, Object> line(HistoryLine line) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("rank", line.rank());
    fields.put("version", line.version());
    fields.put("description", line.description());
    fields.put("script", line.script());
    fields.put("action", line.action().label());
    fields.put("checksum", line.checksum());
    fields.put("runId", line.runId());
    fields.put("installedBy", line.installedBy());
    fields.put("installedOn", line.installedOn());
    fields.put("executionMillis", line.executionMillis());
    return fields;
  }
}
