package io.hal9.migrate.tools.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.LockInfo;
import io.hal9.migrate.engine.api.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Show every version and step with its state and rows, and who holds the lock.")
final class StatusCommand extends EngineCommand {
  private static final ObjectMapper COUNTERS = new ObjectMapper();

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    Status status = hal9.status();
    print(status);
    return document(status);
  }

  void print(Status status) {
    for (Status.VersionStatus version : status.versions()) {
      out.line(String.format("V%-6s %-12s %s", version.version(), version.state().label(), version.description()));
      for (Status.StepStatus step : version.steps()) {
        out.line(String.format("        %-24s %-12s %-12s %,d rows%s%s", step.id(), step.type(), step.state().label(), step.rows(),
            counters(step.counters()).map(c -> " " + c).orElse(""), step.error() == null ? "" : "  error: " + step.error()));
      }
    }
    out.line(status.lock().map(h -> "Lock: held by " + h.describe()).orElse("Lock: free"));
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
    return fields;
  }

  private static Map<String, Object> step(Status.StepStatus step) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", step.id());
    s.put("type", step.type());
    s.put("state", step.state().label());
    s.put("rows", step.rows());
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
