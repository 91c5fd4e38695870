package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.FencedWriter;
import io.hal9.migrate.checkpoints.LockLostException;
import java.util.Optional;

/** What is behind a step's failure: the one place that tells a lost run lock from the step's own failure. */
final class StepFailures {
  private StepFailures() {}

  /**
   * The lost lock behind {@code failure}: in its causes (the fence refused a commit), or, as the database has it now,
   * the lock another's. A runner that lost its lock often fails in its batch before reaching the fence: cut off by
   * the new holder (a broken connection), or inserting rows that holder already wrote (a duplicate key).
   */
  static Optional<LockLostException> lockLost(Throwable failure, FencedWriter writer) {
    LockLostException lost = causeOf(failure, LockLostException.class);
    if (lost != null) {
      return Optional.of(lost);
    }
    Optional<LockLostException> now = writer.lostLock();
    now.ifPresent(e -> e.addSuppressed(failure));
    return now;
  }

  static <X extends Throwable> X causeOf(Throwable e, Class<X> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /** The innermost cause's message: the driver's words, not the wrappers'. */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }
}
