package io.hal9.migrate.tools.cli;

import io.hal9.migrate.checkpoints.HistoryEntry;
import io.hal9.migrate.engine.Hal9Migrate;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "history", description = "List every version applied or rolled back, by whom, when, how long.")
final class HistoryCommand extends EngineCommand {

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    List<HistoryEntry> history = hal9.history();
    if (history.isEmpty()) {
      out.line("No version applied yet.");
    }
    for (HistoryEntry entry : history) {
      out.line(String.format("%4d  V%-6s %-9s %-19s %6d ms  %-28s %s", entry.rank(), entry.version(), entry.action(),
          entry.installedOn().withNano(0), entry.executionMillis(), entry.script(), entry.installedBy()));
    }
    return Map.of("history", history);
  }
}
