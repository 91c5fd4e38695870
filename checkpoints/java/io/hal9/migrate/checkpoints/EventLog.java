package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.slf4j.LoggerFactory;

/** hal9_events: written inside the transaction whose change it reports, read by {@code events} and the status page. */
final class EventLog {
  /** Longer messages (a stack of causes) are cut: an event says what happened, the log says the rest. */
  private static final int MESSAGE_LENGTH = 2000;

  private EventLog() {}

  static void insert(DSLContext tx, String runId, Event event) {
    String message = event.message();
    tx.insertInto(EVENTS)
        .set(EVENT_AT, currentLocalDateTime())
        .set(EVENT_RUN, runId)
        .set(EVENT_VERSION, event.version())
        .set(EVENT_STEP, event.stepId())
        .set(EVENT_TYPE, event.type().label())
        .set(EVENT_SEVERITY, event.type().severity().label())
        .set(EVENT_MESSAGE, message != null && message.length() > MESSAGE_LENGTH ? message.substring(0, MESSAGE_LENGTH) : message)
        .execute();
  }

  /** The events after {@code afterId} and at or after {@code since} (either may be null), oldest first, at most {@code limit}. */
  static List<EventEntry> read(DSLContext dsl, LocalDateTime since, Long afterId, int limit) {
    Condition where = DSL.noCondition();
    if (since != null) {
      where = where.and(EVENT_AT.ge(since));
    }
    if (afterId != null) {
      where = where.and(EVENT_ID.gt(afterId));
    }
    // The newest {@code limit}, shown oldest first.
    List<EventEntry> newest = new ArrayList<>(dsl.select(EVENT_COLUMNS).from(EVENTS).where(where).orderBy(EVENT_ID.desc()).limit(limit)
        .fetch(row -> new EventEntry(row.get(EVENT_ID), row.get(EVENT_AT), row.get(EVENT_RUN), row.get(EVENT_VERSION),
            row.get(EVENT_STEP), row.get(EVENT_TYPE), row.get(EVENT_SEVERITY), row.get(EVENT_MESSAGE))));
    Collections.reverse(newest);
    return newest;
  }

  /** Tells {@code sink} of events once their transaction committed; a listener's failure is not the run's. */
  static void committed(List<Event> events, Consumer<Event> sink) {
    for (Event event : events) {
      try {
        sink.accept(event);
      } catch (RuntimeException e) {
        LoggerFactory.getLogger(EventLog.class).warn("event listener failed: {}", e.toString());
      }
    }
  }
}
