package io.hal9.migrate.engine.internal.command;

import io.hal9.migrate.checkpoints.EventEntry;
import io.hal9.migrate.engine.api.Event;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

/** The events of every run, oldest first. Reads only. */
public final class EventsCommand {
  private final Engine engine;

  public EventsCommand(Engine engine) {
    this.engine = engine;
  }

  /** The newest {@code limit} events at or after {@code since} (null: any time) and after event {@code afterId} (null: any). */
  public List<Event> execute(LocalDateTime since, Long afterId, int limit) {
    return engine.store().events(since, afterId, limit).stream().map(EventsCommand::event).toList();
  }

  /** The newest {@code limit} events of the last {@code window}, by the database's clock. */
  public List<Event> within(Duration window, int limit) {
    if (!engine.store().initialized()) {
      return List.of();
    }
    return execute(engine.store().now().minus(window), null, limit);
  }

  private static Event event(EventEntry e) {
    return new Event(e.id(), e.at(), e.type(), e.severity(), e.runId(), e.version(), e.stepId(), e.message());
  }
}
