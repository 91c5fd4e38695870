package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.RunLock;

/**
 * Pauses or resumes the runs of a database, from any process: the flag lives in the lock row, so it holds for the
 * running step, for a run started later, and across a crash of either.
 */
public final class PauseCommand {
  private final Engine engine;

  public PauseCommand(Engine engine) {
    this.engine = engine;
  }

  /** @return false when the runs were paused already (nothing written) */
  public boolean pause() {
    engine.store().initialize();
    return engine.store().pause(RunLock.thisProcess());
  }

  /** @return false when they were not paused (nothing written) */
  public boolean resume() {
    if (!engine.store().initialized()) {
      return false;
    }
    engine.store().initialize(); // tables older than pausing
    return engine.store().resume(RunLock.thisProcess());
  }

}
