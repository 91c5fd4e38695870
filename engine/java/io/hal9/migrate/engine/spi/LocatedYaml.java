package io.hal9.migrate.engine.spi;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document read by Jackson's streaming parser into a tree, remembering the line of every key and
 * value (by JSON pointer), so that every plan problem can name its line. Duplicate keys are problems too.
 * Tools read their own YAML and JSON inputs through it too: a health checks file, and config lint ({@link
 * #readDocuments}).
 */
public final class LocatedYaml {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonFactory JSON = new JsonFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonNode root;
  private final Map<String, Integer> lines;

  private LocatedYaml(JsonNode root, Map<String, Integer> lines) {
    this.root = root;
    this.lines = lines;
  }

  /** The document, or null when it had problems. */
  public JsonNode root() {
    return root;
  }

  /** The line of the node at {@code pointer}, or of its nearest located parent. */
  public int line(String pointer) {
    String p = pointer;
    while (true) {
      Integer line = lines.get(p);
      if (line != null || p.isEmpty()) {
        return line == null ? 1 : line;
      }
      p = p.substring(0, p.lastIndexOf('/'));
    }
  }

  /** Reads {@code file}; syntax errors and duplicate keys land in {@code problems}, and then root is null. */
  public static LocatedYaml read(Path file, List<PlanProblem> problems) {
    Map<String, Integer> lines = new HashMap<>();
    int before = problems.size();
    String text = text(file, problems);
    if (text == null) {
      return new LocatedYaml(null, lines);
    }
    try (JsonParser parser = YAML.createParser(text)) {
      JsonNode root = parser.nextToken() == null ? NODES.nullNode() : node(parser, "", lines, file, problems);
      return new LocatedYaml(problems.size() > before ? null : root, lines);
    } catch (JsonProcessingException e) {
      problems.add(new PlanProblem(file, errorLine(e, text), "invalid YAML: " + Hal9MigrateException.oneLine(e.getOriginalMessage())));
    } catch (IOException e) {
      problems.add(new PlanProblem(file, 0, "cannot read: " + e.getMessage()));
    }
    return new LocatedYaml(null, lines);
  }

  /**
   * Every document of {@code file}: each {@code ---} document of a YAML stream (empty ones left out), or the
   * value of a {@code .json} file (read as strict JSON). Problems land in {@code problems}, and then the list
   * is empty.
   */
  public static List<LocatedYaml> readDocuments(Path file, List<PlanProblem> problems) {
    boolean json = file.getFileName().toString().endsWith(".json");
    List<LocatedYaml> documents = new ArrayList<>();
    int before = problems.size();
    String text = text(file, problems);
    if (text == null) {
      return List.of();
    }
    try (JsonParser parser = (json ? JSON : YAML).createParser(text)) {
      while (parser.nextToken() != null) {
        Map<String, Integer> lines = new HashMap<>();
        JsonNode root = node(parser, "", lines, file, problems);
        if (!root.isNull()) {
          documents.add(new LocatedYaml(root, lines));
        }
      }
    } catch (JsonProcessingException e) {
      problems.add(new PlanProblem(file, errorLine(e, text), (json ? "invalid JSON: " : "invalid YAML: ") + problem(e)));
    } catch (IOException e) {
      problems.add(new PlanProblem(file, 0, "cannot read: " + e.getMessage()));
    }
    return problems.size() > before ? List.of() : documents;
  }

  private static String text(Path file, List<PlanProblem> problems) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      problems.add(new PlanProblem(file, 0, "cannot read: " + e.getMessage()));
      return null;
    }
  }

  private static JsonNode node(JsonParser p, String pointer, Map<String, Integer> lines, Path file,
      List<PlanProblem> problems) throws IOException {
    lines.putIfAbsent(pointer, p.currentTokenLocation().getLineNr());
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT: {
        ObjectNode object = NODES.objectNode();
        Map<String, Integer> duplicates = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          String child = pointer + "/" + key.replace("~", "~0").replace("/", "~1");
          int line = p.currentTokenLocation().getLineNr();
          if (object.has(key)) {
            duplicates.putIfAbsent(key, line);
          }
          lines.put(child, line);
          p.nextToken();
          object.set(key, node(p, child, lines, file, problems));
        }
        // Reported once the whole map is read, so that a duplicate in a step can name the step.
        String where = stepName(pointer, object);
        duplicates.forEach((key, line) -> problems.add(new PlanProblem(file, line, where + "duplicate key '" + key + "'")));
        return object;
      }
      case START_ARRAY: {
        ArrayNode array = NODES.arrayNode();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(node(p, pointer + "/" + array.size(), lines, file, problems));
        }
        return array;
      }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return NODES.numberNode(p.getBigIntegerValue());
      case VALUE_NUMBER_FLOAT:
        return NODES.numberNode(p.getDecimalValue());
      case VALUE_TRUE:
      case VALUE_FALSE:
        return NODES.booleanNode(p.getBooleanValue());
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        throw new IllegalStateException("unexpected YAML token " + token);
    }
  }

  /**
   * The line of a syntax error. Jackson's location is that of the last good token, often lines before the
   * mistake; SnakeYAML's problem mark is the mistake itself, unless it is the end of the text (an unclosed
   * quote, a key without ':'), where the construct it was reading (the context mark) is the line to fix.
   */
  private static int errorLine(JsonProcessingException e, String text) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      Mark problem = marked.getProblemMark();
      Mark context = marked.getContextMark();
      boolean atEnd = text.substring(Math.min(problem.getIndex(), text.length())).isBlank();
      return (atEnd && context != null ? context : problem).getLine() + 1;
    }
    return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
  }

  /** {@code step 'id': } for a map that is a step of the plan file ({@code /steps/N}), else nothing. */
  private static String stepName(String pointer, ObjectNode object) {
    if (!pointer.matches("/steps/\\d+")) {
      return "";
    }
    JsonNode id = object.get("id");
    return "step '" + (id != null && id.isTextual() ? id.asText() : "#" + (Integer.parseInt(pointer.substring(7)) + 1)) + "': ";
  }

  /**
   * What is wrong, without the text around it (SnakeYAML's excerpt, the token Jackson could not read): a
   * config file's mistake may be, or sit next to, a secret.
   */
  private static String problem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
      return Hal9MigrateException.oneLine(marked.getProblem());
    }
    return Hal9MigrateException.oneLine(e.getOriginalMessage()).replaceFirst("^Unrecognized token '[^']*'", "Unrecognized token");
  }

}
