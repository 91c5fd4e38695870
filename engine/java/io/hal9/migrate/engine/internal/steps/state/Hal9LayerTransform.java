package io.hal9.migrate.engine.internal.steps.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.spi.InvalidNeuronException;
import io.hal9.migrate.engine.spi.Neuron;
import io.hal9.migrate.engine.spi.NeuronTransform;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * HAL9's behaviour-based layer assignment, for neurons its type rules do not place
 * ({@code transform: io.hal9.migrate.engine.internal.steps.state.Hal9LayerTransform}, as in {@code plans/hal9}).
 *
 * <p>HAL9's flat-to-hierarchical migration places a neuron by type first (reflex/reactive L1,
 * executor/implementer L2, coordinator/manager L3, planner/strategist L4, visionary/architect L5); a plan
 * does that with a {@code layer-map} op on the kind. A neuron of one of those ten kinds is left exactly as
 * that op placed it. Every other neuron is placed by behaviour: average response under 10 ms L1, under
 * 200 ms L2, otherwise more than 10 connections L4, else L3.
 *
 * <p>What it reads, after the step's ops:
 * <ul>
 *   <li>the kind: the row's {@code kind} column when the step reads it (a {@code layer-map} with
 *       {@code from: kind} makes it do so), else the state's {@code neuron_type}, else
 *       {@code metadata.original_type};</li>
 *   <li>the average response time in milliseconds: the first of {@code avg_response_time},
 *       {@code avg_response_ms}, {@code metadata.avg_response_time}, {@code metadata.avg_response_ms} that is
 *       present and not null. When none is, the response rules do not apply (an unknown time is not a fast
 *       one);</li>
 *   <li>the connection count: {@code connection_count}, else {@code metadata.connection_count}, else the
 *       number of entries of the state's {@code connections}, else 0.</li>
 * </ul>
 * A response time or connection count that is present but not a number rejects the row
 * ({@link InvalidNeuronException}; the step's {@code on-invalid} decides what follows).
 *
 * <p>Stateless, so one instance serves all the step's threads.
 */
public final class Hal9LayerTransform implements NeuronTransform {

  /** HAL9's type rules: kinds placed by type, and their layers. */
  public static final Map<String, String> TYPE_LAYERS = Map.of(
      "reflex", "L1", "reactive", "L1",
      "executor", "L2", "implementer", "L2",
      "coordinator", "L3", "manager", "L3",
      "planner", "L4", "strategist", "L4",
      "visionary", "L5", "architect", "L5");

  private static final BigDecimal REFLEX_MS = BigDecimal.TEN;
  private static final BigDecimal IMPLEMENTATION_MS = BigDecimal.valueOf(200);
  private static final BigDecimal TACTICAL_CONNECTIONS = BigDecimal.TEN;

  private static final List<FieldPath> RESPONSE_FIELDS = paths(
      "avg_response_time", "avg_response_ms", "metadata.avg_response_time", "metadata.avg_response_ms");
  private static final List<FieldPath> COUNT_FIELDS = paths("connection_count", "metadata.connection_count");
  private static final List<FieldPath> KIND_FIELDS = paths("neuron_type", "metadata.original_type");

  public Hal9LayerTransform() {}

  @Override
  public void apply(Neuron neuron) {
    String kind = kind(neuron);
    if (kind != null && TYPE_LAYERS.containsKey(kind)) {
      return;
    }
    neuron.layer(byBehaviour(responseMillis(neuron.state()), connections(neuron.state())));
  }

  /**
   * HAL9's behaviour rules.
   *
   * @param avgResponseMillis null when unknown: then only the connection rule applies
   */
  public static String byBehaviour(BigDecimal avgResponseMillis, BigDecimal connections) {
    if (avgResponseMillis != null && avgResponseMillis.compareTo(REFLEX_MS) < 0) {
      return "L1";
    }
    if (avgResponseMillis != null && avgResponseMillis.compareTo(IMPLEMENTATION_MS) < 0) {
      return "L2";
    }
    return connections.compareTo(TACTICAL_CONNECTIONS) > 0 ? "L4" : "L3";
  }

  private static String kind(Neuron neuron) {
    String column = neuron.column("kind");
    if (column != null) {
      return column;
    }
    for (FieldPath field : KIND_FIELDS) {
      JsonNode value = field.get(neuron.state());
      if (value != null && !value.isNull()) {
        return value.asText();
      }
    }
    return null;
  }

  private static BigDecimal responseMillis(ObjectNode state) {
    for (FieldPath field : RESPONSE_FIELDS) {
      BigDecimal value = number(state, field);
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static BigDecimal connections(ObjectNode state) {
    for (FieldPath field : COUNT_FIELDS) {
      BigDecimal value = number(state, field);
      if (value != null) {
        return value;
      }
    }
    JsonNode connections = state.get("connections");
    return BigDecimal.valueOf(connections != null && connections.isContainerNode() ? connections.size() : 0);
  }

  /** The number at {@code field}; null when missing or JSON null; anything else rejects the row. */
  private static BigDecimal number(ObjectNode state, FieldPath field) {
    JsonNode value = field.get(state);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      throw new InvalidNeuronException("'" + field + "' is " + value.getNodeType().name().toLowerCase() + ", not a number");
    }
    return value.decimalValue();
  }

  private static List<FieldPath> paths(String... fields) {
    return java.util.Arrays.stream(fields).map(FieldPath::of).toList();
  }
}
