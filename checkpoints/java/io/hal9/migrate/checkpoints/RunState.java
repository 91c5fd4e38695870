package io.hal9.migrate.checkpoints;

import java.util.Locale;

/** How a run (one command holding the lock) ended, as hal9_runs keeps it. */
public enum RunState {
  RUNNING,
  DONE,
  FAILED,
  STOPPED,
  /** Another runner took over, or the lock was released by hand, while it ran. */
  LOCK_LOST,
  /** Taken over by the next runner after it died (its lease expired, its process or session was gone). */
  ABANDONED,
  /** Its lock was released by hand with {@code unlock}. */
  UNLOCKED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
