package io.hal9.migrate.engine.internal.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.checkpoints.EngineSchema;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.spi.LocatedYaml;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.PlanProblem;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and validates a plan directory before anything touches a database. Every problem is collected (not
 * only the first), each with its file, line, step and key.
 */
public final class PlanLoader {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FILE_NAME = Pattern.compile("V([^_]*)__(.*)\\.(yaml|yml)");
  private static final Pattern DESCRIPTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
  private static final Pattern STEP_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Set<String> FILE_KEYS = Set.of("steps", "description");
  private static final Set<String> STEP_KEYS = Set.of("id", "type", "description");

  private final Map<String, StepType> types;

  public PlanLoader(Map<String, StepType> types) {
    this.types = types;
  }

  /** @throws Hal9MigrateException with {@link ErrorCode#PLAN_INVALID} and one detail line per problem */
  public Plan load(Path directory) {
    List<PlanProblem> problems = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      throw new Hal9MigrateException(ErrorCode.PLAN_INVALID, "plan directory not found: " + directory);
    }
    Map<VersionNumber, Path> versions = new TreeMap<>();
    List<PlanVersion> loaded = new ArrayList<>();
    Map<String, PlanStep> ids = new HashMap<>();
    List<PlanStep> all = new ArrayList<>();
    for (Path file : planFiles(directory)) {
      Matcher name = FILE_NAME.matcher(file.getFileName().toString());
      if (!name.matches() || !VersionNumber.isValid(name.group(1)) || !DESCRIPTION.matcher(name.group(2)).matches()) {
        problems.add(new PlanProblem(file, 0,
            "bad file name: expected V<version>__<description>.yaml, e.g. V2__seed_neurons.yaml"));
        continue;
      }
      VersionNumber version = VersionNumber.parse(name.group(1));
      Path earlier = versions.putIfAbsent(version, file);
      if (earlier != null) {
        problems.add(new PlanProblem(file, 0, "duplicate version " + version + " (also " + earlier.getFileName() + ")"));
        continue;
      }
      String description = name.group(2).replace('_', ' ');
      // The file name gives what the history stores of a version: each must fit its column.
      tooLong("version is ", name.group(1), EngineSchema.VERSION_LENGTH, "hal9_history.version")
          .ifPresent(problem -> problems.add(new PlanProblem(file, 0, problem)));
      tooLong("description is ", description, EngineSchema.DESCRIPTION_LENGTH, "hal9_history.description")
          .ifPresent(problem -> problems.add(new PlanProblem(file, 0, problem)));
      tooLong("file name is ", file.getFileName().toString(), EngineSchema.SCRIPT_LENGTH, "hal9_history.script")
          .ifPresent(problem -> problems.add(new PlanProblem(file, 0, problem)));
      List<PlanStep> steps = readSteps(directory, file, version, problems);
      all.addAll(steps);
      for (PlanStep step : steps) {
        PlanStep first = ids.putIfAbsent(step.id(), step);
        if (first != null) {
          problems.add(new PlanProblem(file, step.line("id"),
              "duplicate step id '" + step.id() + "' (first in " + first.file().getFileName() + ":" + first.line("id") + ")"));
        }
      }
      loaded.add(new PlanVersion(version, description, file, List.copyOf(steps)));
    }
    if (loaded.isEmpty() && problems.isEmpty()) {
      problems.add(new PlanProblem(directory, 0, "no plan files (V<version>__<description>.yaml)"));
    }
    // Every step in 'loaded' passed the key checks, so its type can check the rest even when other steps or
    // files have problems: all of them are reported in one go.
    for (PlanStep step : all) {
      // The files first: a type may validate what they hold (the statements of a SQL file).
      StepType type = types.get(step.type());
      int before = problems.size();
      step.contents(PlanFiles.read(step, type.files(step), problems));
      if (problems.size() == before) {
        type.validate(step, (s, key, message) ->
            problems.add(new PlanProblem(s.file(), s.line(key), "step '" + s.id() + "' key '" + key + "': " + message)));
      }
    }
    if (!problems.isEmpty()) {
      // A type may find one thing twice (sql's 'file' is checked once per database): report it once.
      List<String> lines = problems.stream().map(PlanProblem::toString).distinct().toList();
      throw new Hal9MigrateException(ErrorCode.PLAN_INVALID,
          "plan " + directory + " is invalid (" + lines.size() + (lines.size() == 1 ? " problem)" : " problems)"), lines, null);
    }
    all.forEach(step -> step.checksum(checksum(step)));
    loaded.sort((a, b) -> a.version().compareTo(b.version()));
    return new Plan(directory, List.copyOf(loaded));
  }

  private static List<Path> planFiles(Path directory) {
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().matches(".*\\.(yaml|yml)"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<PlanStep> readSteps(Path directory, Path file, VersionNumber version, List<PlanProblem> problems) {
    LocatedYaml yaml = LocatedYaml.read(file, problems);
    List<PlanStep> steps = new ArrayList<>();
    if (yaml.root() == null) {
      return steps;
    }
    if (!yaml.root().isObject()) {
      problems.add(new PlanProblem(file, yaml.line(""), "expected a map with 'steps:' at the top"));
      return steps;
    }
    yaml.root().fieldNames().forEachRemaining(key -> {
      if (!FILE_KEYS.contains(key)) {
        problems.add(new PlanProblem(file, yaml.line("/" + key), "unknown key '" + key + "' (a plan file holds 'steps' and an optional 'description')"));
      }
    });
    JsonNode list = yaml.root().get("steps");
    if (list == null || !list.isArray() || list.isEmpty()) {
      problems.add(new PlanProblem(file, yaml.line("/steps"), "key 'steps': expected a non-empty list of steps"));
      return steps;
    }
    for (int i = 0; i < list.size(); i++) {
      PlanStep step = readStep(directory, file, version, yaml, "/steps/" + i, list.get(i), problems);
      if (step != null) {
        steps.add(step);
      }
    }
    return steps;
  }

  private PlanStep readStep(Path directory, Path file, VersionNumber version, LocatedYaml yaml, String pointer,
      JsonNode node, List<PlanProblem> problems) {
    int line = yaml.line(pointer);
    String position = "#" + (Integer.parseInt(pointer.substring(7)) + 1); // 1-based, as people count
    if (!node.isObject()) {
      problems.add(new PlanProblem(file, line, "step '" + position + "': expected a map with 'id' and 'type'"));
      return null;
    }
    int before = problems.size();
    JsonNode id = node.get("id");
    String name = id != null && id.isTextual() ? id.asText() : position;
    String where = "step '" + name + "'";
    if (id == null || id.isNull()) {
      problems.add(new PlanProblem(file, line, where + ": missing key 'id'"));
    } else if (!id.isTextual() || !STEP_ID.matcher(id.asText()).matches()) {
      problems.add(new PlanProblem(file, yaml.line(pointer + "/id"),
          where + " key 'id': expected letters, digits, '.', '_' or '-' (got " + id + ")"));
    } else {
      tooLong("", id.asText(), EngineSchema.STEP_ID_LENGTH, "hal9_steps.step_id")
          .ifPresent(problem -> problems.add(new PlanProblem(file, yaml.line(pointer + "/id"), where + " key 'id': " + problem)));
    }
    JsonNode typeName = node.get("type");
    StepType type = null;
    if (typeName == null || typeName.isNull()) {
      problems.add(new PlanProblem(file, line, where + ": missing key 'type'"));
    } else if (!typeName.isTextual() || (type = types.get(typeName.asText())) == null) {
      problems.add(new PlanProblem(file, yaml.line(pointer + "/type"),
          where + " key 'type': unknown step type " + typeName + " (known: " + String.join(", ", new TreeMap<>(types).keySet()) + ")"));
    } else {
      tooLong("the step type's name is ", type.name(), EngineSchema.STEP_TYPE_LENGTH, "hal9_steps.step_type")
          .ifPresent(problem -> problems.add(new PlanProblem(file, yaml.line(pointer + "/type"), where + " key 'type': " + problem)));
    }
    Map<String, Integer> keyLines = new LinkedHashMap<>();
    node.fields().forEachRemaining(field -> {
      keyLines.put(field.getKey(), yaml.line(pointer + "/" + field.getKey()));
      // A map's entries too (sql: {postgresql: ..., h2: ...}), so a problem inside one can name its line.
      field.getValue().fieldNames().forEachRemaining(sub ->
          keyLines.put(field.getKey() + "/" + sub, yaml.line(pointer + "/" + field.getKey() + "/" + sub)));
    });
    if (type != null) {
      Map<String, Param> params = new LinkedHashMap<>();
      type.params().forEach(p -> params.put(p.name(), p));
      for (String key : (Iterable<String>) node::fieldNames) {
        Param param = params.get(key);
        if (param == null && !STEP_KEYS.contains(key)) {
          problems.add(new PlanProblem(file, keyLines.get(key), where + ": unknown key '" + key + "' for type "
              + type.name() + " (known: " + String.join(", ", params.keySet()) + ")"));
        } else if (param != null && !node.get(key).isNull() && !param.kind().accepts(node.get(key))) {
          problems.add(new PlanProblem(file, keyLines.get(key), where + " key '" + key + "': expected "
              + param.kind().description() + ", got " + describe(node.get(key))
              + param.kind().nameProblem(node.get(key)).map(p -> ": " + p).orElse("")));
        }
      }
      for (Param param : type.params()) {
        if (param.required() && !node.hasNonNull(param.name())) {
          problems.add(new PlanProblem(file, line, where + ": missing key '" + param.name() + "' (" + param.kind().description() + ")"));
        }
      }
    }
    if (problems.size() > before) {
      return null;
    }
    return new PlanStep(id.asText(), type.name(), version, file, directory, (ObjectNode) node, line, keyLines,
        type.params());
  }

  /** What is wrong with a value longer than the engine's column for it (checked here, not after a step committed). */
  private static Optional<String> tooLong(String what, String value, int limit, String column) {
    return value.length() <= limit ? Optional.empty() : Optional.of(
        what + value.length() + " characters, more than the " + limit + " the engine stores (" + column + ")");
  }

  private static String describe(JsonNode value) {
    String text = value.toString();
    return text.length() > 60 ? text.substring(0, 57) + "..." : text;
  }

  /** SHA-256 over the step's keys in a canonical order, tuning keys and description left out, plus its files. */
  private String checksum(StepDefinition step) {
    ObjectNode copy = step.node().deepCopy();
    copy.remove("description");
    types.get(step.type()).params().stream().filter(Param::tuning).forEach(p -> copy.remove(p.name()));
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(JSON.writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .writeValueAsBytes(JSON.convertValue(copy, Object.class)));
      sha.update(types.get(step.type()).externalContent(step));
      return HexFormat.of().formatHex(sha.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
