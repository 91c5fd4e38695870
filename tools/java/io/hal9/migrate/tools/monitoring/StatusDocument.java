package io.hal9.migrate.tools.monitoring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.engine.api.Event;
import io.hal9.migrate.engine.api.LockInfo;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.engine.api.Status;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The documents {@code status --json}, {@code events --json} and {@code flags list --json} print, and the status page
 * serves: one shape for pipelines and the page alike.
 */
public final class StatusDocument {
  private static final ObjectMapper COUNTERS = new ObjectMapper();

  private StatusDocument() {}

  /** Every version with its steps, the lock holder and the pause. */
  public static Map<String, Object> of(Status status) {
    return of(status, (step, fields) -> {});
  }

  /** The same, each step's fields followed by those {@code more} adds (the status page's rows/s and ETA). */
  public static Map<String, Object> of(Status status, BiConsumer<Status.StepStatus, Map<String, Object>> more) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("versions", status.versions().stream().map(version -> {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("version", version.version());
      v.put("description", version.description());
      v.put("state", version.state().label());
      v.put("steps", version.steps().stream().map(step -> {
        Map<String, Object> s = step(step);
        more.accept(step, s);
        return s;
      }).toList());
      return v;
    }).toList());
    fields.put("lock", status.lock().map(StatusDocument::lock).orElse(null));
    fields.put("paused", status.paused().map(p -> {
      Map<String, Object> paused = new LinkedHashMap<>();
      paused.put("since", p.since());
      paused.put("by", p.by());
      return paused;
    }).orElse(null));
    return fields;
  }

  public static Map<String, Object> of(Event e) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("id", e.id());
    event.put("at", e.at());
    event.put("type", e.type());
    event.put("severity", e.severity());
    event.put("version", e.version());
    event.put("step", e.step());
    event.put("run", e.run());
    event.put("message", e.message());
    return event;
  }

  /** The rollout's phase, traffic split and feature flags, as {@code flags list} and {@code rollout status} print them. */
  public static Map<String, Object> of(Routing routing) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("phase", routing.phase());
    Map<String, Object> traffic = new LinkedHashMap<>();
    traffic.put("hierarchical", routing.hierarchicalPercent());
    traffic.put("flat", routing.flatPercent());
    traffic.put("mirrored", routing.mirrored());
    fields.put("traffic", traffic);
    Map<String, Object> flags = new LinkedHashMap<>();
    routing.flags().forEach((name, flag) -> {
      Map<String, Object> value = new LinkedHashMap<>();
      value.put("enabled", flag.enabled());
      value.put("percentage", flag.percentage());
      flags.put(name, value);
    });
    fields.put("flags", flags);
    return fields;
  }

  /** A step's own counts (a JSON object in its checkpoint) as a tree. */
  public static JsonNode counters(String json) {
    try {
      return COUNTERS.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable step counters: " + json, e);
    }
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
      s.put("counters", counters(step.counters()));
    }
    if (!step.partitions().isEmpty()) {
      s.put("partitions", step.partitions().stream().map(StatusDocument::partition).toList());
    }
    return s;
  }

  private static Map<String, Object> partition(Status.PartitionStatus p) {
    Map<String, Object> partition = new LinkedHashMap<>();
    partition.put("number", p.number());
    partition.put("undo", p.undo());
    partition.put("state", p.state());
    partition.put("rows", p.rows());
    partition.put("expected", p.expected() < 0 ? null : p.expected());
    partition.put("owner", p.owner());
    partition.put("leaseUntil", p.leaseUntil());
    partition.put("leaseExpired", p.leaseExpired());
    partition.put("claims", p.claims());
    return partition;
  }

  private static Map<String, Object> lock(LockInfo holder) {
    Map<String, Object> lock = new LinkedHashMap<>();
    lock.put("runId", holder.runId());
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
