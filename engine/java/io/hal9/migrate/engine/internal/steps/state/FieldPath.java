package io.hal9.migrate.engine.internal.steps.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.spi.InvalidNeuronException;
import java.util.List;

/** A dotted path into a state document, such as {@code health.latency_ms}. */
record FieldPath(String text, List<String> parts) {

  static FieldPath of(String text) {
    return new FieldPath(text, List.of(text.split("\\.", -1)));
  }

  static boolean isValid(String text) {
    return !text.isEmpty() && List.of(text.split("\\.", -1)).stream().noneMatch(String::isEmpty);
  }

  String last() {
    return parts.get(parts.size() - 1);
  }

  /** The value at this path, or null when any part is missing. */
  JsonNode get(ObjectNode root) {
    JsonNode node = root;
    for (String part : parts) {
      node = node.isObject() ? node.get(part) : null;
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /** The object holding the last part, or null when the path stops before it. */
  ObjectNode parent(ObjectNode root) {
    JsonNode node = root;
    for (String part : parts.subList(0, parts.size() - 1)) {
      node = node.get(part);
      if (node == null || !node.isObject()) {
        return null;
      }
    }
    return (ObjectNode) node;
  }

  /** The object holding the last part, creating missing objects on the way. */
  ObjectNode parentCreating(ObjectNode root) {
    ObjectNode node = root;
    for (String part : parts.subList(0, parts.size() - 1)) {
      JsonNode child = node.get(part);
      if (child == null || child.isNull()) {
        node = node.putObject(part);
      } else if (child.isObject()) {
        node = (ObjectNode) child;
      } else {
        throw new InvalidNeuronException("'" + text + "': '" + part + "' is " + child.getNodeType().name().toLowerCase() + ", not an object");
      }
    }
    return node;
  }

  @Override
  public String toString() {
    return text;
  }
}
