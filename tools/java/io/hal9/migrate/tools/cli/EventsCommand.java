package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Event;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.monitoring.StatusDocument;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "events", description = "List what happened to the runs and steps (hal9_events), oldest first.")
final class EventsCommand extends EngineCommand {
  private static final Pattern AGO = Pattern.compile("(\\d{1,9})(s|m|h|d)");

  @Option(names = "--since", paramLabel = "T",
      description = "Only events since T: a database time (2026-12-07T05:00:00) or a span back from now (90s, 15m, 2h, 1d).")
  String since;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "1000", description = "At most the newest N (default 1000).")
  int limit;

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    if (limit < 1) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--limit " + limit + ": expected 1 or more");
    }
    List<Event> events = since == null ? hal9.events((LocalDateTime) null, limit)
        : ago(since) != null ? hal9.events(ago(since), limit) : hal9.events(time(since), limit);
    for (Event e : events) {
      out.line(String.format("%s  %-8s %-17s %-22s %s", e.at().truncatedTo(ChronoUnit.MILLIS), e.severity(),
          e.type(), e.step() == null ? "-" : "V" + e.version() + " " + e.step(), e.message() == null ? "" : e.message()));
    }
    if (events.isEmpty()) {
      out.line("No events" + (since == null ? "." : " since " + since + "."));
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("events", events.stream().map(StatusDocument::of).toList());
    return fields;
  }

  private static Duration ago(String text) {
    Matcher m = AGO.matcher(text);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  private static LocalDateTime time(String text) {
    try {
      return LocalDateTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--since " + text + ": expected a time such as 2026-12-07T05:00:00"
          + " or a span such as 15m", e);
    }
  }
}
