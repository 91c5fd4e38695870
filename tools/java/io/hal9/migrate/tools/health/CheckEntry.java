package io.hal9.migrate.tools.health;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code checks:} entry while it is being read: typed values with their defaults, every mistake reported
 * with the entry's number, kind and key.
 */
final class CheckEntry {
  private final JsonNode node;
  private final int index;
  private final String kind;
  private final Path base;
  private final HealthChecks.CheckProblems problems;

  CheckEntry(JsonNode node, int index, String kind, Path base, HealthChecks.CheckProblems problems) {
    this.node = node;
    this.index = index;
    this.kind = kind;
    this.base = base;
    this.problems = problems;
  }

  void problem(String key, String message) {
    problems.report(index, key, "check " + (index + 1) + " (" + kind + "): " + (key == null ? "" : "key '" + key + "': ")
        + message);
  }

  String string(String key, String defaultValue) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      if (defaultValue == null) {
        problem(key, "missing");
      }
      return defaultValue;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      problem(key, "expected a string, got " + value);
      return defaultValue;
    }
    return value.asText();
  }

  /** A relative path resolves against the base: the plan directory for a step, else the working directory. */
  Path path(String key, String defaultValue) {
    String value = string(key, defaultValue);
    return value == null ? null : base.resolve(value).toAbsolutePath().normalize();
  }

  List<Path> paths(String key) {
    List<Path> paths = new ArrayList<>();
    for (String value : strings(key, true)) {
      paths.add(base.resolve(value).toAbsolutePath().normalize());
    }
    return paths;
  }

  List<String> strings(String key, boolean required) {
    JsonNode value = node.get(key);
    List<String> strings = new ArrayList<>();
    if (value == null || value.isNull()) {
      if (required) {
        problem(key, "missing");
      }
      return strings;
    }
    if (value.isTextual()) {
      strings.add(value.asText());
      return strings;
    }
    if (value.isArray()) {
      for (JsonNode item : value) {
        if (!item.isTextual()) {
          problem(key, "expected a string or a list of strings, got " + value);
          return List.of();
        }
        strings.add(item.asText());
      }
      if (strings.isEmpty() && required) {
        problem(key, "expected at least one entry");
      }
      return strings;
    }
    problem(key, "expected a string or a list of strings, got " + value);
    return strings;
  }

  /** A number from {@code min} to {@code max}, or the default when absent. */
  double number(String key, double defaultValue, double min, double max, String unit) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return defaultValue;
    }
    if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
      problem(key, "expected " + unit + " from " + plain(min) + " to " + plain(max) + ", got " + value);
      return defaultValue;
    }
    return value.asDouble();
  }

  int integer(String key, int defaultValue, int min, int max, String unit) {
    JsonNode value = node.get(key);
    if (value != null && !value.isNull() && !value.isIntegralNumber()) {
      problem(key, "expected " + unit + " from " + min + " to " + max + ", got " + value);
      return defaultValue;
    }
    return (int) number(key, defaultValue, min, max, unit);
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
