package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.engine.api.LockInfo;
import java.util.Optional;

/** Releases the run lock by hand; its holder, if still alive, can commit nothing afterwards. */
public final class UnlockCommand {
  private final Engine engine;

  public UnlockCommand(Engine engine) {
    this.engine = engine;
  }

  /** @return who held it, or empty when it was free */
  public Optional<LockInfo> execute() {
    if (!engine.store().initialized()) {
      return Optional.empty();
    }
    return engine.store().lock().forceRelease().map(StatusCommand::lockInfo);
  }
}
