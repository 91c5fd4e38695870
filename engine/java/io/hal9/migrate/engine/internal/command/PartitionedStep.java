package io.hal9.migrate.engine.internal.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.checkpoints.CheckpointWriter;
import io.hal9.migrate.checkpoints.Event;
import io.hal9.migrate.checkpoints.EventType;
import io.hal9.migrate.checkpoints.KeyRange;
import io.hal9.migrate.checkpoints.KeyRanges;
import io.hal9.migrate.checkpoints.Partition;
import io.hal9.migrate.checkpoints.PartitionLease;
import io.hal9.migrate.checkpoints.PartitionState;
import io.hal9.migrate.checkpoints.Partitions;
import io.hal9.migrate.checkpoints.Sleep;
import io.hal9.migrate.checkpoints.StepCheckpoint;
import io.hal9.migrate.checkpoints.StepState;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.tables.BatchedTable;
import io.hal9.migrate.engine.spi.tables.Keyset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner's side of a partitioned step: splits it into key ranges (once; a resumed step keeps its partitions),
 * works partitions itself beside the workers, and while others still work theirs, sums their progress into the
 * step's row (so {@code status}, metrics and the ETA see the whole step) until every one is done.
 */
final class PartitionedStep {
  private static final Logger log = LoggerFactory.getLogger(PartitionedStep.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How often the runner, its own partitions done, looks at the others'. */
  private static final long WAIT_MILLIS = 500;

  private final Engine engine;
  private final CheckpointWriter writer;
  private final String runId;

  PartitionedStep(Engine engine, CheckpointWriter writer, String runId) {
    this.engine = engine;
    this.writer = writer;
    this.runId = runId;
  }

  /** How many partitions {@code definition} asks for; 1 when it is not partitioned. */
  static int partitions(StepDefinition definition) {
    return definition.has("partitions") && !definition.value("partitions").isNull() ? definition.intValue("partitions") : 1;
  }

  /** Applies or undoes the step's rows through its partitions; {@code whole} then holds the step's summed progress. */
  void work(StepDefinition definition, Step step, Direction direction, StepRun whole) throws Exception {
    Partitions partitions = engine.store().partitions();
    boolean undo = direction == Direction.UNDO;
    List<Partition> existing = partitions.of(definition.id());
    if (existing.isEmpty() || existing.get(0).undo() != undo) {
      split(definition, step, undo);
    }
    PartitionWork work = new PartitionWork(engine);
    while (true) {
      if (engine.stopRequested()) {
        throw new StopRequested();
      }
      List<Partition> now = partitions.of(definition.id());
      StepCheckpoint row = engine.store().steps().get(definition.id());
      if (row.state() == StepState.FAILED) {
        throw new Hal9MigrateException(ErrorCode.STEP_FAILED, "a worker failed it: " + row.error());
      }
      sum(definition, now, whole);
      Optional<PartitionLease> claimed = partitions.claim(runId, List.of(definition.id()), engine.settings().lease());
      if (claimed.isPresent()) {
        long others = now.stream().filter(p -> p.number() != claimed.get().partition().number()).mapToLong(Partition::rows).sum();
        work.run(definition, step, row, claimed.get(), others, false);
        continue;
      }
      if (now.stream().allMatch(p -> p.state() == PartitionState.DONE)) {
        log.info("step {}: all {} partitions done, {} rows", definition.id(), now.size(), whole.rows());
        return;
      }
      Sleep.millis(WAIT_MILLIS);
    }
  }

  /** The key ranges, from the table's keys (an apply) or the step's snapshots (an undo), committed with an event. */
  private void split(StepDefinition definition, Step step, boolean undo) {
    int parts = partitions(definition);
    List<KeyRange> ranges;
    if (undo) {
      ranges = engine.store().rows(definition.id()).splitSnapshots(parts);
    } else {
      BatchedTable table = step.batchedTable(engine.reads()).orElseThrow(() -> new IllegalStateException(
          "step '" + definition.id() + "' of type " + definition.type() + " cannot be partitioned"));
      Keyset keys = table.keys();
      ranges = KeyRanges.split(engine.reads(), new KeyRanges.KeySpace(table.table(), DSL.noCondition(),
          keys.fields(), keys.ascending(), r -> keys.after(keys.of(r)), r -> keys.json(keys.of(r))), parts);
    }
    long total = ranges.stream().mapToLong(KeyRange::rows).sum();
    String sizes = ranges.stream().map(r -> Long.toString(r.rows())).reduce((a, b) -> a + ", " + b).orElse("");
    writer.run(tx -> {
      tx.partitioned(definition.id(), undo, ranges);
      tx.event(new Event(EventType.PARTITIONED, definition.version(), definition.id(), (undo ? "rollback " : "")
          + "split into " + ranges.size() + " partitions of " + sizes + (undo ? " snapshot records" : " rows")));
    });
    log.info("step {}: {} split into {} partitions ({} {} in all)", definition.id(), undo ? "rollback" : "key space",
        ranges.size(), total, undo ? "snapshot records" : "rows");
  }

  /** The partitions' rows, counters and expected rows, summed into the step's row. */
  private void sum(StepDefinition definition, List<Partition> partitions, StepRun whole) {
    long rows = partitions.stream().mapToLong(Partition::rows).sum();
    long expected = partitions.stream().allMatch(p -> p.expected() >= 0)
        ? partitions.stream().mapToLong(Partition::expected).sum() : -1;
    // An undo's partitions carry the counters of the run it undoes, each a copy: the step keeps its own.
    boolean undo = !partitions.isEmpty() && partitions.get(0).undo();
    String counters = summed(undo ? List.of() : partitions, whole.counters(JsonNode.class));
    writer.run(tx -> tx.progressed(definition.id(), null, rows, counters, expected));
    whole.summed(rows, counters, expected);
    engine.settings().progress().batchCommitted(whole.info(), rows, expected);
  }

  /**
   * The partitions' counters added up: whole numbers summed, fractions (a ratio, such as a cache's hit rate) averaged
   * by the partitions' rows, anything else (a flag) as the first partition has it. Before any partition counted, the
   * step's own (an undo starts from those of the run it undoes).
   */
  static String summed(List<Partition> partitions, JsonNode before) {
    List<Map.Entry<Long, JsonNode>> counted = new ArrayList<>();
    Set<String> fractions = new HashSet<>();
    try {
      for (Partition partition : partitions) {
        if (partition.counters() != null) {
          JsonNode node = JSON.readTree(partition.counters());
          counted.add(Map.entry(Math.max(partition.rows(), 1), node));
          node.fields().forEachRemaining(f -> {
            if (f.getValue().isNumber() && !f.getValue().isIntegralNumber()) {
              fractions.add(f.getKey());
            }
          });
        }
      }
      if (counted.isEmpty()) {
        return before == null ? null : JSON.writeValueAsString(before);
      }
      ObjectNode sum = JSON.createObjectNode();
      Map<String, double[]> weighted = new HashMap<>();
      long weights = counted.stream().mapToLong(Map.Entry::getKey).sum();
      for (Map.Entry<Long, JsonNode> each : counted) {
        for (Iterator<Map.Entry<String, JsonNode>> it = each.getValue().fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          String name = field.getKey();
          JsonNode value = field.getValue();
          if (fractions.contains(name) && value.isNumber()) {
            weighted.computeIfAbsent(name, k -> new double[1])[0] += value.doubleValue() * each.getKey();
            sum.put(name, Math.round(weighted.get(name)[0] / weights * 10_000) / 10_000.0);
          } else if (value.isIntegralNumber()) {
            sum.put(name, (sum.has(name) ? sum.get(name).longValue() : 0) + value.longValue());
          } else if (!sum.has(name)) {
            sum.set(name, value);
          }
        }
      }
      return JSON.writeValueAsString(sum);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("partition counters do not read as JSON: " + e.getOriginalMessage(), e);
    }
  }

}
