package io.hal9.migrate.tools.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.LockInfo;
import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.api.StepState;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show every version and step with its state and rows, and who holds the lock.")
final class StatusCommand extends EngineCommand {
  private static final ObjectMapper COUNTERS = new ObjectMapper();
  private static final String CLEAR_SCREEN = "\033[H\033[2J";

  @Option(names = "--watch", description = "Redraw every --interval until interrupted, with rows/s and ETA of running steps.")
  boolean watch;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", description = "Seconds between redraws (default 2).")
  double interval;

  /** The rows of each step at the previous redraw, and when (database time), for rows/s. */
  private final Map<String, Long> previousRows = new HashMap<>();
  private LocalDateTime previousAt;

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) throws InterruptedException {
    if (interval <= 0) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "--interval " + interval + ": expected a positive number of seconds");
    }
    Status status = hal9.status();
    while (watch) {
      if (out.json()) {
        out.success("status", document(status));
      } else {
        if (System.console() != null) {
          out.raw(CLEAR_SCREEN);
        }
        out.line("hal9-migrate status at " + status.at() + " (every " + interval + " s; Ctrl-C to leave)");
        print(status);
      }
      Thread.sleep(Math.round(interval * 1000));
      status = hal9.status();
    }
    print(status);
    return document(status);
  }

  void print(Status status) {
    status.paused().ifPresent(p -> out.line("Paused since " + p.since() + " by " + p.by() + " ('hal9-migrate resume' goes on)"));
    for (Status.VersionStatus version : status.versions()) {
      out.line(String.format("V%-6s %-12s %s", version.version(), version.state().label(), version.description()));
      for (Status.StepStatus step : version.steps()) {
        out.line(String.format("        %-24s %-12s %-12s %s%s%s%s%s", step.id(), step.type(), step.state().label(), rows(step),
            rate(status, step), counters(step.counters()).map(c -> " " + c).orElse(""),
            step.heldBy() == null ? "" : "  held back: " + step.heldBy(), step.error() == null ? "" : "  error: " + step.error()));
      }
    }
    out.line(status.lock().map(h -> "Lock: held by " + h.describe()).orElse("Lock: free"));
    status.versions().forEach(v -> v.steps().forEach(s -> previousRows.put(s.id(), s.rows())));
    previousAt = status.at();
  }

  private static String rows(Status.StepStatus step) {
    return step.expected() > 0 ? String.format(Locale.ROOT, "%,d/%,d rows (%.1f%%)", step.rows(), step.expected(),
        100.0 * step.rows() / step.expected()) : String.format(Locale.ROOT, "%,d rows", step.rows());
  }

  /** Rows/s since the previous redraw, and the ETA at that rate: only while watching a running step. */
  private String rate(Status status, Status.StepStatus step) {
    Long before = previousRows.get(step.id());
    if (!watch || before == null || previousAt == null || status.at() == null
        || (step.state() != StepState.RUNNING && step.state() != StepState.PAUSED)) {
      return "";
    }
    double seconds = Duration.between(previousAt, status.at()).toMillis() / 1000.0;
    if (seconds <= 0) {
      return "";
    }
    double rate = (step.rows() - before) / seconds;
    String eta = step.expected() > 0 && rate > 0 ? String.format(Locale.ROOT, ", ETA %d s",
        Math.round((step.expected() - step.rows()) / rate)) : "";
    return String.format(Locale.ROOT, ", %.0f rows/s%s", rate, eta);
  }

  static Map<String, Object> document(Status status) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("versions", status.versions().stream().map(version -> {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("version", version.version());
      v.put("description", version.description());
      v.put("state", version.state().label());
      v.put("steps", version.steps().stream().map(StatusCommand::step).toList());
      return v;
    }).toList());
    fields.put("lock", status.lock().map(StatusCommand::lock).orElse(null));
    fields.put("paused", status.paused().map(p -> {
      Map<String, Object> paused = new LinkedHashMap<>();
      paused.put("since", p.since());
      paused.put("by", p.by());
      return paused;
    }).orElse(null));
    return fields;
  }

  private static Map<String, Object> step(Status.StepStatus step) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", step.id());
    s.put("type", step.type());
    s.put("state", step.state().label());
    s.put("rows", step.rows());
    s.put("expected", step.expected() < 0 ? null : step.expected());
    s.put("heldBy", step.heldBy());
    s.put("updatedAt", step.updatedAt());
    s.put("attempts", step.attempts());
    s.put("error", step.error());
    if (step.counters() != null) {
      s.put("counters", counterTree(step.counters()));
    }
    return s;
  }

  private static JsonNode counterTree(String json) {
    try {
      return COUNTERS.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable step counters: " + json, e);
    }
  }

  /**
   * A step's own counts on one line, such as {@code (migrated 10, skipped 2, rejected 1)}. Nested values too: an
   * object in parentheses, a list as its length, its items counted by their {@code status} when they have one
   * ({@code (healthy true, checks 3 (2 ok, 1 warning))}). {@code --json} shows them whole.
   */
  static Optional<String> counters(String json) {
    if (json == null) {
      return Optional.empty();
    }
    JsonNode tree = counterTree(json);
    return tree.isEmpty() && tree.isContainerNode() ? Optional.empty() : Optional.of(oneLine(tree));
  }

  private static String oneLine(JsonNode value) {
    if (value.isObject()) {
      StringJoiner fields = new StringJoiner(", ", "(", ")");
      value.fields().forEachRemaining(e -> fields.add(e.getKey() + " " + oneLine(e.getValue())));
      return fields.toString();
    }
    if (value.isArray()) {
      Map<String, Integer> byStatus = new LinkedHashMap<>();
      value.forEach(item -> {
        JsonNode status = item.get("status");
        if (status != null && status.isTextual()) {
          byStatus.merge(status.asText(), 1, Integer::sum);
        }
      });
      StringJoiner counts = new StringJoiner(", ", " (", ")").setEmptyValue("");
      byStatus.forEach((status, count) -> counts.add(count + " " + status));
      return value.size() + counts.toString();
    }
    return value.asText();
  }

  private static Map<String, Object> lock(LockInfo holder) {
    Map<String, Object> lock = new LinkedHashMap<>();
    lock.put("host", holder.host());
    lock.put("pid", holder.pid());
    lock.put("since", holder.since());
    lock.put("leaseUntil", holder.leaseUntil());
    lock.put("epoch", holder.epoch());
    lock.put("heartbeat", holder.heartbeat());
    lock.put("deadBecause", holder.deadBecause());
    return lock;
  }

}
