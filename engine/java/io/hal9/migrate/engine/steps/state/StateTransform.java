package io.hal9.migrate.engine.steps.state;

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

/**
 * What happens to one row's state: parse, the step's ops in order, the user's transform, serialize. Exact
 * decimals in and out, so a value not touched by an op is written back digit for digit.
 */
final class StateTransform {
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
