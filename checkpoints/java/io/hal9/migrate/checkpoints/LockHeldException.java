package io.hal9.migrate.checkpoints;

/** Another live runner holds the lock of this database. */
public final class LockHeldException extends RuntimeException {
  private final transient LockHolder holder;

  LockHeldException(LockHolder holder) {
    super("locked by " + holder.describe());
    this.holder = holder;
  }

  public LockHolder holder() {
    return holder;
  }
}
