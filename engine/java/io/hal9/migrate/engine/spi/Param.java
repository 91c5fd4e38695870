package io.hal9.migrate.engine.spi;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.engine.spi.tables.SqlNames;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A key a step type accepts. Tuning parameters (batch sizes and the like) stay out of the step's checksum, so
 * an interrupted step may resume with new ones.
 */
public record Param(String name, Kind kind, boolean required, boolean tuning, Object defaultValue) {

  public static final Set<String> DIALECTS = Set.of("h2", "postgresql", "default");
  /** One transaction's worth of rows: bigger batches hold locks and memory longer for no gain. */
  public static final int MAX_BATCH_SIZE = 10_000;

  /** What a value must look like. */
  public enum Kind {
    STRING("a string"),
    IDENTIFIER("a plain SQL name (letters, digits, '_'; not starting with a digit)"),
    TABLE("a table name (neurons, hal9.neurons, \"Neurons\")"),
    COLUMN("a column name (id, \"Id\")"),
    COLUMNS("a column name or a list of distinct column names ([tenant, id])"),
    INTEGER("an integer"),
    NUMBER("a number"),
    DURATION("a duration (500ms, 30s, 5m, 2h)"),
    POSITIVE_INTEGER("a positive integer"),
    BATCH_SIZE("rows per batch, from 1 to " + MAX_BATCH_SIZE),
    BOOLEAN("true or false"),
    STRINGS("a string or a list of strings"),
    SQL("SQL text, or a map of h2/postgresql/default to SQL text"),
    LIST("a list"),
    MAP("a map");

    private final String description;

    Kind(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }

    /** Why a text is not a name of this kind, when it is not one (a quote left open, a name too long). */
    public java.util.Optional<String> nameProblem(JsonNode value) {
      List<JsonNode> names = new java.util.ArrayList<>();
      if (this == TABLE || this == COLUMN || this == COLUMNS) {
        value.forEach(names::add);
        if (value.isTextual()) {
          names.add(value);
        }
      }
      for (JsonNode name : names) {
        try {
          if (name.isTextual() && this == TABLE) {
            SqlNames.table(name.asText());
          } else if (name.isTextual()) {
            SqlNames.column(name.asText());
          }
        } catch (IllegalArgumentException e) {
          return java.util.Optional.of(e.getMessage());
        }
      }
      return java.util.Optional.empty();
    }

    /** Whether {@code value} fits this kind. */
    public boolean accepts(JsonNode value) {
      switch (this) {
        case STRING:
          return value.isTextual();
        case IDENTIFIER:
          return value.isTextual() && value.asText().matches("[A-Za-z_][A-Za-z0-9_]{0,62}");
        case TABLE:
          return value.isTextual() && SqlNames.isTable(value.asText());
        case COLUMN:
          return value.isTextual() && SqlNames.isColumn(value.asText());
        case COLUMNS:
          if (value.isArray()) {
            Set<String> names = new HashSet<>();
            for (JsonNode item : value) {
              if (!item.isTextual() || !SqlNames.isColumn(item.asText()) || !names.add(item.asText())) {
                return false;
              }
            }
            return value.size() > 0;
          }
          return value.isTextual() && SqlNames.isColumn(value.asText());
        case INTEGER:
          return value.isIntegralNumber() && value.canConvertToLong();
        case NUMBER:
          return value.isNumber();
        case DURATION:
          return value.isTextual() && DURATION_TEXT.matcher(value.asText()).matches();
        case POSITIVE_INTEGER:
          return value.isIntegralNumber() && value.canConvertToLong() && value.asLong() > 0;
        case BATCH_SIZE:
          return value.isIntegralNumber() && value.canConvertToLong() && value.asLong() > 0 && value.asLong() <= MAX_BATCH_SIZE;
        case BOOLEAN:
          return value.isBoolean();
        case STRINGS:
          if (value.isArray()) {
            for (JsonNode item : value) {
              if (!item.isTextual()) {
                return false;
              }
            }
            return value.size() > 0;
          }
          return value.isTextual();
        case SQL:
          if (value.isObject()) {
            for (var entries = value.fields(); entries.hasNext(); ) {
              var entry = entries.next();
              if (!DIALECTS.contains(entry.getKey()) || !entry.getValue().isTextual()) {
                return false;
              }
            }
            return value.size() > 0;
          }
          return value.isTextual();
        case LIST:
          return value.isArray();
        case MAP:
          return value.isObject();
        default:
          throw new IllegalStateException(name());
      }
    }
  }

  private static final java.util.regex.Pattern DURATION_TEXT = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  /** A value of kind {@link Kind#DURATION} as a Duration. */
  public static java.time.Duration duration(String text) {
    java.util.regex.Matcher m = DURATION_TEXT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected " + Kind.DURATION.description() + ", got '" + text + "'");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> java.time.Duration.ofMillis(amount);
      case "s" -> java.time.Duration.ofSeconds(amount);
      case "m" -> java.time.Duration.ofMinutes(amount);
      default -> java.time.Duration.ofHours(amount);
    };
  }

  /** A duration as a plan writes it ({@code 30s}, {@code 500ms}, {@code 2h}): what {@link #duration} reads. */
  public static String text(java.time.Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    long s = d.toSeconds();
    return s % 3600 == 0 && s > 0 ? s / 3600 + "h" : s % 60 == 0 && s > 0 ? s / 60 + "m" : s + "s";
  }

  /** A number as a plan writes it: no trailing zeros, four significant digits at most after the point. */
  public static String text(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
        : new java.math.BigDecimal(String.format(java.util.Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
  }

  /** A batched step's keys: its own, then {@code batch-size} and the throttling keys every batched step has. */
  public static List<Param> batched(int defaultBatchSize, Param... own) {
    List<Param> all = new java.util.ArrayList<>(List.of(own));
    all.add(batchSize(defaultBatchSize));
    all.addAll(throttling());
    return List.copyOf(all);
  }

  /**
   * The throttling keys: before each batch the step waits while a limit is exceeded. Tuning, so an operator may change
   * them and resume.
   */
  private static List<Param> throttling() {
    return List.of(
        tuning("max-rows-per-second", Kind.POSITIVE_INTEGER, null),
        tuning("max-replication-lag", Kind.DURATION, null),
        tuning("max-commit-ms", Kind.POSITIVE_INTEGER, null),
        tuning("throttle-query", Kind.STRING, null),
        tuning("throttle-above", Kind.NUMBER, null));
  }

  /**
   * {@code partitions}: the step's key space split into that many key ranges of about equal rows, worked side by side
   * by the runner and {@code worker} processes. Tuning: a resumed step keeps the partitions it was split into.
   */
  public static Param partitions() {
    return tuning("partitions", Kind.POSITIVE_INTEGER, 1);
  }

  public static Param required(String name, Kind kind) {
    return new Param(name, kind, true, false, null);
  }

  public static Param optional(String name, Kind kind, Object defaultValue) {
    return new Param(name, kind, false, false, defaultValue);
  }

  /** The {@code batch-size} tuning key every batched step has. */
  private static Param batchSize(int defaultValue) {
    return tuning("batch-size", Kind.BATCH_SIZE, defaultValue);
  }

  public static Param tuning(String name, Kind kind, Object defaultValue) {
    return new Param(name, kind, false, true, defaultValue);
  }
}
