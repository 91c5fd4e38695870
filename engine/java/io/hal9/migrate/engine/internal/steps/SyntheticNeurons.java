package io.hal9.migrate.engine.internal.steps;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Deterministic v1 neurons of the reference schema: row {@code id} of seed {@code s} is the same on every run
 * and machine, however the rows are batched, so an interrupted seed resumes into exactly the same data.
 */
public final class SyntheticNeurons {
  public static final List<String> KINDS = List.of("sensor", "worker", "planner", "reflex", "coordinator");
  private static final LocalDateTime EPOCH = LocalDateTime.of(2025, 6, 1, 0, 0);
  private static final String[] VERBS = {"route", "filter", "rank", "merge", "watch", "plan", "score", "cache",
      "summarise", "forward", "retry", "escalate"};
  private static final String[] OBJECTS = {"signals", "alerts", "requests", "memories", "embeddings", "tasks",
      "errors", "metrics", "goals", "events"};
  private static final String[] TARGETS = {"to planner", "for L3", "from sensors"};

  private final long seed;

  public SyntheticNeurons(long seed) {
    this.seed = seed;
  }

  /** One row: kind, layer, v1 state (JSON), updated_at. */
  public record Neuron(long id, String kind, String layer, String state, LocalDateTime updatedAt) {}

  public Neuron neuron(long id) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E37_79B9_7F4A_7C15L + id);
    String kind = KINDS.get(random.nextInt(KINDS.size()));
    StringBuilder state = new StringBuilder(200);
    state.append("{\"activation\":").append(round(random.nextDouble(-0.5, 1.5)))
        .append(",\"threshold\":").append(round(random.nextDouble(0.1, 0.9)))
        .append(",\"bias\":").append(round(random.nextDouble(-0.5, 0.5)))
        .append(",\"weights\":{");
    int weights = 1 + random.nextInt(3);
    for (int i = 0; i < weights; i++) {
      state.append(i == 0 ? "" : ",").append('"').append(1 + random.nextInt(100_000)).append("\":")
          .append(round(random.nextDouble(-1, 1)));
    }
    String label = VERBS[random.nextInt(VERBS.length)] + " " + OBJECTS[random.nextInt(OBJECTS.length)] + " "
        + TARGETS[random.nextInt(TARGETS.length)];
    state.append("},\"label\":\"").append(label).append("\",\"memory\":[\"seeded ").append(id).append("\"]}");
    return new Neuron(id, kind, "L2", state.toString(), EPOCH.plusSeconds(id));
  }

  private static String round(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }
}
