package io.hal9.migrate.engine.internal.command;

/** Thrown at a batch boundary after its checkpoint committed, when a stop was asked for. */
final class StopRequested extends RuntimeException {
  StopRequested() {
    super("stop requested", null, false, false);
  }
}
