package io.hal9.migrate.checkpoints;

import static io.hal9.migrate.checkpoints.EngineTables.*;
import static org.jooq.impl.DSL.currentLocalDateTime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jooq.DSLContext;
import org.jooq.Record;

/** hal9_routing, hal9_flags and their history: read by anyone, changed only with a history line per change. */
final class RoutingTable {
  private static final RoutingState.FlagState OFF = new RoutingState.FlagState(false, 0);

  private RoutingTable() {}

  static RoutingState read(DSLContext dsl) {
    Record row = dsl.select(ROUTING_PHASE, ROUTING_HIERARCHICAL, ROUTING_MIRRORED).from(ROUTING).where(ROUTING_ID.eq(1)).fetchSingle();
    TreeMap<String, RoutingState.FlagState> flags = new TreeMap<>();
    dsl.select(FLAG_NAME, FLAG_ENABLED, FLAG_PERCENTAGE).from(FLAGS)
        .forEach(f -> flags.put(f.get(FLAG_NAME), new RoutingState.FlagState(f.get(FLAG_ENABLED), f.get(FLAG_PERCENTAGE))));
    return new RoutingState(row.get(ROUTING_PHASE), row.get(ROUTING_HIERARCHICAL), row.get(ROUTING_MIRRORED), flags);
  }

  /**
   * Changes the routing to {@code target} with one history line per changed value (a flag it does not name is
   * turned off), and clears a pending abort request.
   *
   * @return the changes, as "subject: from -> to"; empty when {@code target} is what the tables hold
   */
  static List<String> change(DSLContext tx, RoutingState target, String by, String runId, String stepId, String reason) {
    RoutingState now = read(tx);
    List<String> changes = new ArrayList<>();
    if (!Objects.equals(now.phase(), target.phase())) {
      changes.add(history(tx, "phase", now.phase(), target.phase(), by, runId, stepId, reason));
    }
    if (now.hierarchicalPercent() != target.hierarchicalPercent() || now.mirrored() != target.mirrored()) {
      changes.add(history(tx, "traffic", now.describeTraffic(), target.describeTraffic(), by, runId, stepId, reason));
    }
    tx.update(ROUTING)
        .set(ROUTING_PHASE, target.phase())
        .set(ROUTING_HIERARCHICAL, target.hierarchicalPercent())
        .set(ROUTING_MIRRORED, target.mirrored())
        .set(ROUTING_UPDATED, currentLocalDateTime())
        .setNull(ROUTING_ABORT)
        .where(ROUTING_ID.eq(1))
        .execute();
    Map<String, RoutingState.FlagState> flags = new TreeMap<>(target.flags());
    now.flags().keySet().forEach(name -> flags.putIfAbsent(name, OFF));
    for (Map.Entry<String, RoutingState.FlagState> flag : flags.entrySet()) {
      RoutingState.FlagState before = now.flags().get(flag.getKey());
      if (flag.getValue().equals(before) || before == null && flag.getValue().equals(OFF)) {
        continue; // a flag never set is off already
      }
      changes.add(history(tx, "flag " + flag.getKey(), before == null ? null : before.describe(), flag.getValue().describe(),
          by, runId, stepId, reason));
      int updated = tx.update(FLAGS)
          .set(FLAG_ENABLED, flag.getValue().enabled())
          .set(FLAG_PERCENTAGE, flag.getValue().percentage())
          .set(FLAG_UPDATED, currentLocalDateTime())
          .where(FLAG_NAME.eq(flag.getKey()))
          .execute();
      if (updated == 0) {
        tx.insertInto(FLAGS)
            .set(FLAG_NAME, flag.getKey())
            .set(FLAG_ENABLED, flag.getValue().enabled())
            .set(FLAG_PERCENTAGE, flag.getValue().percentage())
            .set(FLAG_UPDATED, currentLocalDateTime())
            .execute();
      }
    }
    return changes;
  }

  private static String history(DSLContext tx, String subject, String from, String to, String by, String runId,
      String stepId, String reason) {
    tx.insertInto(ROUTING_HISTORY)
        .set(CHANGE_AT, currentLocalDateTime())
        .set(CHANGE_SUBJECT, subject)
        .set(CHANGE_FROM, from)
        .set(CHANGE_TO, to)
        .set(CHANGE_BY, by)
        .set(CHANGE_RUN, runId)
        .set(CHANGE_STEP, stepId)
        .set(CHANGE_REASON, reason == null || reason.length() <= 1000 ? reason : reason.substring(0, 1000))
        .execute();
    return subject + ": " + (from == null ? "unset" : from) + " -> " + to;
  }

  static List<RoutingChange> history(DSLContext dsl, int limit) {
    List<RoutingChange> newest = new ArrayList<>(dsl.select(CHANGE_ID, CHANGE_AT, CHANGE_SUBJECT, CHANGE_FROM, CHANGE_TO,
            CHANGE_BY, CHANGE_RUN, CHANGE_STEP, CHANGE_REASON)
        .from(ROUTING_HISTORY).orderBy(CHANGE_ID.desc()).limit(limit)
        .fetch(r -> new RoutingChange(r.get(CHANGE_ID), r.get(CHANGE_AT), r.get(CHANGE_SUBJECT), r.get(CHANGE_FROM),
            r.get(CHANGE_TO), r.get(CHANGE_BY), r.get(CHANGE_RUN), r.get(CHANGE_STEP), r.get(CHANGE_REASON))));
    java.util.Collections.reverse(newest);
    return newest;
  }

  /** @return false when no rollout is on (nothing to abort) */
  static boolean requestAbort(DSLContext tx, String by) {
    return tx.update(ROUTING).set(ROUTING_ABORT, by).where(ROUTING_ID.eq(1).and(ROUTING_PHASE.isNotNull())).execute() > 0;
  }

  static String abortRequestedBy(DSLContext dsl) {
    return dsl.select(ROUTING_ABORT).from(ROUTING).where(ROUTING_ID.eq(1)).fetchOne(ROUTING_ABORT);
  }
}
