package io.hal9.migrate.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.api.StepState;
import io.hal9.migrate.tools.monitoring.StatusDocument;
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
        out.success("status", StatusDocument.of(status));
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
    return StatusDocument.of(status);
  }

  void print(Status status) {
    status.paused().ifPresent(p -> out.line("Paused since " + p.since() + " by " + p.by() + " ('hal9-migrate resume' goes on)"));
    for (Status.VersionStatus version : status.versions()) {
      out.line(String.format("V%-6s %-12s %s", version.version(), version.state().label(), version.description()));
      for (Status.StepStatus step : version.steps()) {
        out.line(String.format("        %-24s %-12s %-12s %s%s%s%s%s", step.id(), step.type(), step.state().label(), rows(step),
            rate(status, step), counters(step.counters()).map(c -> " " + c).orElse(""),
            step.heldBy() == null ? "" : "  held back: " + step.heldBy(), step.error() == null ? "" : "  error: " + step.error()));
        partitions(status, step);
      }
    }
    out.line(status.lock().map(h -> "Lock: held by " + h.describe()).orElse("Lock: free"));
    status.versions().forEach(v -> v.steps().forEach(s -> previousRows.put(s.id(), s.rows())));
    previousAt = status.at();
  }

  /** A partitioned step's partitions, one line each: state, rows, and its owner with the lease left. */
  private void partitions(Status status, Status.StepStatus step) {
    if (step.partitions().isEmpty()) {
      return;
    }
    Map<String, Integer> byState = new LinkedHashMap<>();
    step.partitions().forEach(p -> byState.merge(p.state(), 1, Integer::sum));
    StringJoiner states = new StringJoiner(", ", " (", ")");
    byState.forEach((state, count) -> states.add(count + " " + state));
    out.line(String.format(Locale.ROOT, "          %s%d partitions%s", step.partitions().get(0).undo() ? "rollback: " : "",
        step.partitions().size(), states));
    for (Status.PartitionStatus p : step.partitions()) {
      String rows = p.expected() >= 0 ? String.format(Locale.ROOT, "%,d/%,d rows", p.rows(), p.expected())
          : String.format(Locale.ROOT, "%,d rows", p.rows());
      out.line(String.format(Locale.ROOT, "          #%-3d %-8s %-22s %s", p.number(), p.state(), rows, owner(status, p)).stripTrailing());
    }
  }

  private static String owner(Status status, Status.PartitionStatus p) {
    if (p.owner() == null) {
      return "";
    }
    String by = "by " + p.owner();
    if (p.leaseUntil() == null || status.at() == null) {
      return by;
    }
    long left = Duration.between(status.at(), p.leaseUntil()).toSeconds();
    return p.leaseExpired() ? by + ", lease ran out " + -left + " s ago (the next claimer takes it over)"
        : by + ", lease " + left + " s left";
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

  /**
   * A step's own counts on one line, such as {@code (migrated 10, skipped 2, rejected 1)}. Nested values too: an
   * object in parentheses, a list as its length, its items counted by their {@code status} when they have one
   * ({@code (healthy true, checks 3 (2 ok, 1 warning))}). {@code --json} shows them whole.
   */
  static Optional<String> counters(String json) {
    if (json == null) {
      return Optional.empty();
    }
    JsonNode tree = StatusDocument.counters(json);
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
}
