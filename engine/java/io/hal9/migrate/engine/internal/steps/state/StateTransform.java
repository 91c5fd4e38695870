package io.hal9.migrate.engine.internal.steps.state;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.spi.InvalidNeuronException;
import io.hal9.migrate.engine.spi.NeuronTransform;
import java.util.List;
import java.util.Map;

/**
 * What happens to one row's state: parse, the step's ops in order, the user's transform, serialize. Exact
 * decimals in and out, so a value not touched by an op is written back digit for digit.
 */
public final class StateTransform {
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .build();

  private final List<StateOps.Op> ops;
  private final NeuronTransform custom;

  StateTransform(List<StateOps.Op> ops, NeuronTransform custom) {
    this.ops = ops;
    this.custom = custom;
  }

  /**
   * The transform of a neuron-state step's {@code ops:} (as in a plan file), for tools that must do exactly
   * what the step does, such as the benchmark's plain JDBC loop.
   */
  public static StateTransform ofOps(JsonNode ops, String stateColumn) {
    List<String> problems = new java.util.ArrayList<>();
    List<StateOps.Op> parsed = StateOps.parse(ops, stateColumn, problems::add);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new StateTransform(parsed, null);
  }

  /** One row through the ops: its new state document and layer. */
  public record Result(String state, String layer) {}

  /** @throws InvalidNeuronException when the row cannot be transformed */
  public Result apply(String key, String state, String layer, Map<String, String> columns) {
    StateRow row = new StateRow(io.hal9.migrate.engine.spi.tables.RowKey.of(key), state, null, layer, columns);
    return new Result(apply(row), row.layer());
  }


  /**
   * Transforms the row in place and returns its new state document.
   *
   * @throws InvalidNeuronException when the row cannot be transformed; the message is the reason
   */
  String apply(StateRow row) {
    JsonNode parsed;
    try {
      parsed = row.oldState == null ? null : JSON.readTree(row.oldState);
    } catch (JsonProcessingException e) {
      throw new InvalidNeuronException("state is not valid JSON: " + e.getOriginalMessage().replaceAll("\\s+", " "));
    }
    if (parsed == null || !parsed.isObject()) {
      throw new InvalidNeuronException("state is not a JSON object");
    }
    row.state((ObjectNode) parsed);
    for (StateOps.Op op : ops) {
      op.apply(row);
    }
    if (custom != null) {
      custom.apply(row);
    }
    try {
      return JSON.writeValueAsString(row.state());
    } catch (JsonProcessingException e) {
      throw new InvalidNeuronException("state cannot be written as JSON: " + e.getOriginalMessage());
    }
  }
}
