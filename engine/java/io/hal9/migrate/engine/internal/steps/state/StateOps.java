package io.hal9.migrate.engine.internal.steps.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.spi.InvalidNeuronException;
import io.hal9.migrate.engine.spi.Neuron;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The built-in state operations of {@code neuron-state} steps. On a missing field, rename, clamp, multiply
 * and remove do nothing, while set and default create it (and any missing parent object). Arithmetic is on
 * BigDecimal, so {@code multiply} gives the same digits PostgreSQL's numeric would.
 */
final class StateOps {
  private StateOps() {}

  /** One operation on one row. */
  sealed interface Op permits Rename, Clamp, Multiply, SetField, Default, Remove, LayerMap {
    void apply(Neuron neuron);
  }

  private static final Map<String, Set<String>> KEYS = Map.of(
      "rename", Set.of("from", "to"),
      "clamp", Set.of("field", "min", "max"),
      "multiply", Set.of("field", "by"),
      "set", Set.of("field", "value"),
      "default", Set.of("field", "value"),
      "remove", Set.of("field"),
      "layer-map", Set.of("from", "map", "default"));

  /** Parses {@code ops:}; every problem goes to {@code problems} as "op #N (name): ...". */
  static List<Op> parse(JsonNode ops, String stateColumn, Consumer<String> problems) {
    List<Op> parsed = new ArrayList<>();
    if (ops == null) {
      return parsed;
    }
    for (int i = 0; i < ops.size(); i++) {
      JsonNode item = ops.get(i);
      String where = "op #" + (i + 1);
      if (!item.isObject() || item.size() != 1) {
        problems.accept(where + ": expected one operation, like '- clamp: {field: activation, min: 0, max: 1}' (known: "
            + String.join(", ", new java.util.TreeSet<>(KEYS.keySet())) + ")");
        continue;
      }
      String name = item.fieldNames().next();
      JsonNode args = item.get(name);
      where += " (" + name + ")";
      if (!KEYS.containsKey(name)) {
        problems.accept(where + ": unknown operation (known: " + String.join(", ", new java.util.TreeSet<>(KEYS.keySet())) + ")");
        continue;
      }
      if (!args.isObject()) {
        problems.accept(where + ": expected a map of " + String.join(", ", KEYS.get(name)));
        continue;
      }
      Args a = new Args(where, args, KEYS.get(name), problems);
      Op op = switch (name) {
        case "rename" -> new Rename(a.path("from"), a.path("to"));
        case "clamp" -> clamp(a.path("field"), a.optionalNumber("min"), a.optionalNumber("max"), a);
        case "multiply" -> new Multiply(a.path("field"), a.number("by"));
        case "set" -> new SetField(a.path("field"), a.value("value"));
        case "default" -> new Default(a.path("field"), a.value("value"));
        case "remove" -> new Remove(a.path("field"));
        case "layer-map" -> layerMap(a.text("from"), a.map("map"), a.optionalText("default"), stateColumn);
        default -> throw new IllegalStateException(name);
      };
      if (a.ok) {
        parsed.add(op);
      }
    }
    return parsed;
  }

  record Rename(FieldPath from, FieldPath to) implements Op {
    @Override
    public void apply(Neuron neuron) {
      ObjectNode parent = from.parent(neuron.state());
      if (parent == null || !parent.has(from.last())) {
        return;
      }
      JsonNode value = parent.remove(from.last());
      to.parentCreating(neuron.state()).set(to.last(), value);
    }
  }

  record Clamp(FieldPath field, BigDecimal min, BigDecimal max) implements Op {
    @Override
    public void apply(Neuron neuron) {
      BigDecimal value = number(neuron, field);
      if (value == null) {
        return;
      }
      BigDecimal clamped = min != null && value.compareTo(min) < 0 ? min : max != null && value.compareTo(max) > 0 ? max : value;
      if (clamped != value) {
        field.parent(neuron.state()).put(field.last(), clamped);
      }
    }
  }

  record Multiply(FieldPath field, BigDecimal by) implements Op {
    @Override
    public void apply(Neuron neuron) {
      BigDecimal value = number(neuron, field);
      if (value != null) {
        field.parent(neuron.state()).put(field.last(), value.multiply(by));
      }
    }
  }

  record SetField(FieldPath field, JsonNode value) implements Op {
    @Override
    public void apply(Neuron neuron) {
      field.parentCreating(neuron.state()).set(field.last(), value.deepCopy());
    }
  }

  /** Sets the field only where it is missing or JSON null. */
  record Default(FieldPath field, JsonNode value) implements Op {
    @Override
    public void apply(Neuron neuron) {
      JsonNode current = field.get(neuron.state());
      if (current == null || current.isNull()) {
        field.parentCreating(neuron.state()).set(field.last(), value.deepCopy());
      }
    }
  }

  record Remove(FieldPath field) implements Op {
    @Override
    public void apply(Neuron neuron) {
      ObjectNode parent = field.parent(neuron.state());
      if (parent != null) {
        parent.remove(field.last());
      }
    }
  }

  /**
   * {@code from: kind} reads the column {@code kind}; {@code from: state.neuron_type} a field of the state
   * ({@code path} is then set, {@code column} null).
   */
  record LayerMap(String column, FieldPath path, Map<String, String> map, String fallback) implements Op {
    /** Every layer it may write. */
    List<String> layers() {
      List<String> layers = new ArrayList<>(new java.util.LinkedHashSet<>(map.values()));
      if (fallback != null && !layers.contains(fallback)) {
        layers.add(fallback);
      }
      return layers;
    }

    @Override
    public void apply(Neuron neuron) {
      String value;
      if (path != null) {
        JsonNode node = path.get(neuron.state());
        value = node == null || node.isNull() ? null : node.asText();
      } else {
        value = neuron.column(column);
      }
      String layer = value == null ? null : map.get(value);
      if (layer == null) {
        layer = fallback;
      }
      if (layer != null) {
        neuron.layer(layer);
      }
    }
  }

  /** The numeric value at {@code field}, null when missing or JSON null; a non-number rejects the row. */
  private static Op clamp(FieldPath field, BigDecimal min, BigDecimal max, Args args) {
    if (min == null && max == null) {
      args.problem("give 'min', 'max' or both");
    } else if (min != null && max != null && min.compareTo(max) > 0) {
      args.problem("'min' " + min + " is above 'max' " + max);
    }
    return new Clamp(field, min, max);
  }

  private static Op layerMap(String from, Map<String, String> map, String fallback, String stateColumn) {
    boolean inState = from != null && from.startsWith(stateColumn + ".");
    return inState ? new LayerMap(null, FieldPath.of(from.substring(stateColumn.length() + 1)), map, fallback)
        : new LayerMap(from, null, map, fallback);
  }

  private static BigDecimal number(Neuron neuron, FieldPath field) {
    JsonNode value = field.get(neuron.state());
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      throw new InvalidNeuronException("'" + field + "' is " + value.getNodeType().name().toLowerCase() + ", not a number");
    }
    return value.decimalValue();
  }

  /** Reads one op's arguments, reporting each problem once. */
  private static final class Args {
    private final String where;
    private final JsonNode node;
    private final Consumer<String> problems;
    boolean ok = true;

    Args(String where, JsonNode node, Set<String> known, Consumer<String> problems) {
      this.where = where;
      this.node = node;
      this.problems = problems;
      node.fieldNames().forEachRemaining(key -> {
        if (!known.contains(key)) {
          problem("unknown key '" + key + "' (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
        }
      });
    }

    void problem(String message) {
      ok = false;
      problems.accept(where + ": " + message);
    }

    JsonNode value(String key) {
      JsonNode value = node.get(key);
      if (value == null) {
        problem("missing '" + key + "'");
      }
      return value;
    }

    String text(String key) {
      JsonNode value = value(key);
      if (value != null && !value.isTextual()) {
        problem("'" + key + "' must be text");
        return null;
      }
      return value == null ? null : value.asText();
    }

    String optionalText(String key) {
      return node.has(key) ? text(key) : null;
    }

    FieldPath path(String key) {
      String text = text(key);
      if (text != null && !FieldPath.isValid(text)) {
        problem("'" + key + "' is not a field path like a or a.b: '" + text + "'");
        return null;
      }
      return text == null ? null : FieldPath.of(text);
    }

    BigDecimal number(String key) {
      JsonNode value = value(key);
      if (value != null && !value.isNumber()) {
        problem("'" + key + "' must be a number");
        return null;
      }
      return value == null ? null : value.decimalValue();
    }

    BigDecimal optionalNumber(String key) {
      return node.has(key) ? number(key) : null;
    }

    Map<String, String> map(String key) {
      JsonNode value = value(key);
      Map<String, String> map = new LinkedHashMap<>();
      if (value == null) {
        return map;
      }
      if (!value.isObject()) {
        problem("'" + key + "' must be a map of values to layers");
        return map;
      }
      value.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
      return map;
    }
  }
}
