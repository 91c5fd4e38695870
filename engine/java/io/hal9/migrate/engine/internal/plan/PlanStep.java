package io.hal9.migrate.engine.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.StepDefinition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jooq.SQLDialect;

/** A step as the plan loader read it. */
final class PlanStep implements StepDefinition {
  private final String id;
  private final String type;
  private final VersionNumber version;
  private final Path file;
  private final Path planDirectory;
  private final ObjectNode node;
  private final Map<String, Integer> keyLines;
  private final int line;
  private final Map<String, Param> params;
  private String checksum;
  private Map<String, byte[]> contents = Map.of();

  PlanStep(String id, String type, VersionNumber version, Path file, Path planDirectory, ObjectNode node,
      int line, Map<String, Integer> keyLines, List<Param> params) {
    this.id = id;
    this.type = type;
    this.version = version;
    this.file = file;
    this.planDirectory = planDirectory;
    this.node = node;
    this.line = line;
    this.keyLines = keyLines;
    this.params = new java.util.LinkedHashMap<>();
    params.forEach(p -> this.params.put(p.name(), p));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public String version() {
    return version.toString();
  }

  @Override
  public Path file() {
    return file;
  }

  /** The plan directory: relative paths in a step (files, folders) resolve against it. */
  @Override
  public Path planDirectory() {
    return planDirectory;
  }

  /** The line of {@code key} in the plan file, or of the step when the key is absent. */
  @Override
  public int line(String key) {
    return keyLines.getOrDefault(key, line);
  }

  @Override
  public int line() {
    return line;
  }

  /** The step as written (all keys, id and type included). */
  @Override
  public ObjectNode node() {
    return node;
  }

  @Override
  public String checksum() {
    return checksum;
  }

  void checksum(String checksum) {
    this.checksum = checksum;
  }

  void contents(Map<String, byte[]> contents) {
    this.contents = Map.copyOf(contents);
  }

  /** The bytes of a file the step reads, as the plan loader read them ({@code path} as the step names it). */
  @Override
  public byte[] content(String path) {
    byte[] content = contents.get(PlanFiles.key(path));
    if (content == null) {
      throw new IllegalStateException(where() + ": " + path + " was not read with the plan");
    }
    return content;
  }

  /** The files of a folder the step reads, by their path inside it ('/'-separated), in name order. */
  @Override
  public java.util.SortedMap<String, byte[]> folder(String path) {
    String prefix = PlanFiles.key(path) + "/";
    java.util.SortedMap<String, byte[]> files = new java.util.TreeMap<>();
    contents.forEach((file, content) -> {
      if (file.startsWith(prefix)) {
        files.put(file.substring(prefix.length()), content);
      }
    });
    return files;
  }

  @Override
  public boolean has(String key) {
    return node.hasNonNull(key);
  }

  /** The value of {@code key}, or its declared default. */
  @Override
  public JsonNode value(String key) {
    JsonNode value = node.get(key);
    if (value != null && !value.isNull()) {
      return value;
    }
    Param param = params.get(key);
    if (param == null || param.defaultValue() == null) {
      return null;
    }
    return PlanLoader.JSON.valueToTree(param.defaultValue());
  }

  @Override
  public String string(String key) {
    JsonNode value = value(key);
    return value == null ? null : value.asText();
  }

  @Override
  public long longValue(String key) {
    JsonNode value = value(key);
    if (value == null) {
      throw new IllegalStateException("step '" + id + "' has no '" + key + "'");
    }
    return value.asLong();
  }

  @Override
  public int intValue(String key) {
    return Math.toIntExact(longValue(key));
  }

  @Override
  public boolean bool(String key) {
    JsonNode value = value(key);
    return value != null && value.asBoolean();
  }

  /** A string or a list of strings, as a list. */
  @Override
  public List<String> strings(String key) {
    JsonNode value = value(key);
    if (value == null) {
      return List.of();
    }
    if (value.isArray()) {
      List<String> items = new java.util.ArrayList<>();
      value.forEach(item -> items.add(item.asText()));
      return items;
    }
    return List.of(value.asText());
  }

  /** SQL written for every database, or per database ({@code h2}, {@code postgresql}, {@code default}). */
  @Override
  public String sql(String key, SQLDialect dialect) {
    JsonNode value = value(key);
    if (value == null) {
      return null;
    }
    if (value.isTextual()) {
      return value.asText();
    }
    JsonNode specific = value.get(Database.of(dialect).planKey());
    JsonNode chosen = specific != null ? specific : value.get("default");
    return chosen == null ? null : chosen.asText();
  }

}
