package io.hal9.migrate.engine.internal.steps.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.spi.InvalidNeuronException;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** HAL9's layer rules as {@code plans/hal9} applies them: type first (the plan's layer-map), then behaviour. */
class Hal9LayerTransformTest {
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  private final Hal9LayerTransform transform = new Hal9LayerTransform();

  @Test
  void responseUnder10MillisIsL1And10IsNot() {
    assertThat(layer("sensor", "{\"avg_response_time\": 9.9, \"connection_count\": 50}")).isEqualTo("L1");
    assertThat(layer("sensor", "{\"avg_response_time\": 9.999}")).isEqualTo("L1");
    assertThat(layer("sensor", "{\"avg_response_time\": 10}")).isEqualTo("L2");
    assertThat(layer("sensor", "{\"avg_response_time\": 10.0}")).isEqualTo("L2");
  }

  @Test
  void responseUnder200MillisIsL2And200IsNot() {
    assertThat(layer("worker", "{\"avg_response_time\": 199, \"connection_count\": 50}")).isEqualTo("L2");
    assertThat(layer("worker", "{\"avg_response_time\": 199.99}")).isEqualTo("L2");
    assertThat(layer("worker", "{\"avg_response_time\": 200, \"connection_count\": 3}")).isEqualTo("L3");
    assertThat(layer("worker", "{\"avg_response_time\": 200, \"connection_count\": 50}")).isEqualTo("L4");
  }

  @Test
  void moreThan10ConnectionsIsL4And10IsL3() {
    assertThat(layer("worker", "{\"avg_response_time\": 500, \"connection_count\": 10}")).isEqualTo("L3");
    assertThat(layer("worker", "{\"avg_response_time\": 500, \"connection_count\": 11}")).isEqualTo("L4");
    assertThat(layer("worker", "{\"avg_response_time\": 500, \"connection_count\": 0}")).isEqualTo("L3");
  }

  @Test
  void typeRulesWinOverBehaviour() {
    // The plan's layer-map already placed these kinds; fast or well connected, they stay where it put them.
    assertThat(layer("planner", "L4", "{\"avg_response_time\": 5, \"connection_count\": 2}")).isEqualTo("L4");
    assertThat(layer("reflex", "L1", "{\"avg_response_time\": 900, \"connection_count\": 40}")).isEqualTo("L1");
    assertThat(layer("architect", "L5", "{\"avg_response_time\": 150}")).isEqualTo("L5");
    for (String kind : Hal9LayerTransform.TYPE_LAYERS.keySet()) {
      assertThat(layer(kind, "L7", "{\"avg_response_time\": 1}")).as(kind).isEqualTo("L7");
    }
    // A kind outside the ten is placed by behaviour, whatever layer it had.
    assertThat(layer("sensor", "L4", "{\"avg_response_time\": 5}")).isEqualTo("L1");
    assertThat(layer("Planner", "L4", "{\"avg_response_time\": 5}")).isEqualTo("L1");
  }

  @Test
  void theKindComesFromTheColumnElseTheState() {
    assertThat(layer(null, "L4", "{\"neuron_type\": \"planner\", \"avg_response_time\": 5}")).isEqualTo("L4");
    assertThat(layer(null, "L4", "{\"metadata\": {\"original_type\": \"planner\"}, \"avg_response_time\": 5}")).isEqualTo("L4");
    assertThat(layer(null, "L4", "{\"neuron_type\": \"sensor\", \"avg_response_time\": 5}")).isEqualTo("L1");
    assertThat(layer(null, "L4", "{\"avg_response_time\": 5}")).isEqualTo("L1");
    // the column wins over the state
    assertThat(layer("sensor", "L4", "{\"neuron_type\": \"planner\", \"avg_response_time\": 5}")).isEqualTo("L1");
  }

  @Test
  void missingFieldsFallBack() {
    assertThat(layer("sensor", "{}")).as("nothing known").isEqualTo("L3");
    assertThat(layer("sensor", "{\"avg_response_time\": null, \"connection_count\": null}")).isEqualTo("L3");
    assertThat(layer("sensor", "{\"connection_count\": 11}")).as("unknown time is not fast").isEqualTo("L4");
    assertThat(layer("sensor", "{\"avg_response_ms\": 3}")).isEqualTo("L1");
    assertThat(layer("sensor", "{\"metadata\": {\"avg_response_time\": 150, \"connection_count\": 30}}")).isEqualTo("L2");
    assertThat(layer("sensor", "{\"metadata\": {\"avg_response_time\": 250, \"connection_count\": 30}}")).isEqualTo("L4");
    assertThat(layer("sensor", "{\"avg_response_time\": 250, \"connections\": " + connections(11) + "}")).isEqualTo("L4");
    assertThat(layer("sensor", "{\"avg_response_time\": 250, \"connections\": " + connections(10) + "}")).isEqualTo("L3");
    assertThat(layer("sensor", "{\"avg_response_time\": 250, \"connection_count\": 2, \"connections\": " + connections(11) + "}"))
        .as("an explicit count wins").isEqualTo("L3");
  }

  @Test
  void aValueThatIsNotANumberRejectsTheRow() {
    assertThatThrownBy(() -> layer("sensor", "{\"avg_response_time\": \"fast\"}"))
        .isInstanceOf(InvalidNeuronException.class).hasMessageContaining("avg_response_time");
    assertThatThrownBy(() -> layer("sensor", "{\"avg_response_time\": 500, \"connection_count\": \"many\"}"))
        .isInstanceOf(InvalidNeuronException.class).hasMessageContaining("connection_count");
  }

  @Test
  void theStateIsNotChanged() throws Exception {
    String state = "{\"avg_response_time\":5,\"connection_count\":3,\"neuron_type\":\"sensor\"}";
    StateRow neuron = neuron("sensor", "L2", state);
    transform.apply(neuron);
    assertThat(neuron.state()).isEqualTo(JSON.readTree(state));
  }

  private String layer(String kind, String state) {
    return layer(kind, "L9", state);
  }

  private String layer(String kind, String layer, String state) {
    StateRow neuron = neuron(kind, layer, state);
    transform.apply(neuron);
    return neuron.layer();
  }

  private static String connections(int n) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      json.append(i == 0 ? "" : ",").append("{\"target\":").append(i).append(",\"weight\":0.5,\"conn_type\":\"forward\"}");
    }
    return json.append(']').toString();
  }

  /** A row as a neuron-state batch reads it: the plan's kind column, its layer column and its state. */
  private static StateRow neuron(String kind, String layer, String state) {
    Map<String, String> columns = new HashMap<>();
    if (kind != null) {
      columns.put("kind", kind);
    }
    StateRow row = new StateRow(RowKey.of(1L), state, 1, layer, columns);
    try {
      row.state((ObjectNode) JSON.readTree(state));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
    return row;
  }
}
