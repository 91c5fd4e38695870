package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.engine.api.HistoryLine;
import java.util.List;

/** Every version applied or rolled back, oldest first. Reads only. */
public final class HistoryCommand {
  private final Engine engine;

  public HistoryCommand(Engine engine) {
    this.engine = engine;
  }

  public List<HistoryLine> execute() {
    return engine.store().history().stream().map(e -> new HistoryLine(e.rank(), e.version(), e.description(), e.script(),
        HistoryLine.Action.valueOf(e.action().name()), e.checksum(), e.runId(), e.installedBy(), e.installedOn(),
        e.executionMillis())).toList();
  }
}
