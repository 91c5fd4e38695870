package io.hal9.migrate.engine.internal.steps.embedding;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.spi.tables.Column;
import io.hal9.migrate.engine.spi.tables.ColumnType;
import io.hal9.migrate.engine.spi.tables.UserTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A column holding vectors, bound and read the way its type needs: {@code REAL[]} / {@code REAL ARRAY},
 * {@code DOUBLE PRECISION[]}, bytes as little-endian float32 (HAL9's own storage of memory embeddings), or
 * pgvector's {@code vector(n)}. A stored value is also kept exactly (for rollback) as text: numbers as Java
 * prints them (which parse back to the same bits), bytes in base64, a pgvector as its own text form.
 */
final class VectorColumn {
  private static final JsonFactory JSON = new JsonFactory();
  private static final DataType<Float[]> REALS = SQLDataType.REAL.getArrayDataType();
  private static final DataType<Double[]> DOUBLES = SQLDataType.DOUBLE.getArrayDataType();

  private final Column column;
  private final DataType<Object> type;
  private final Field<Object> stored;
  private final Field<Object> raw;

  @SuppressWarnings("unchecked")
  private VectorColumn(UserTable table, Column column) {
    this.column = column;
    this.type = (DataType<Object>) (DataType<?>) switch (column.type()) {
      case REAL_ARRAY -> REALS;
      case DOUBLE_ARRAY -> DOUBLES;
      case BYTES -> SQLDataType.VARBINARY;
      default -> SQLDataType.OTHER;
    };
    this.stored = table.field(column, type);
    this.raw = column.type() == ColumnType.VECTOR ? table.field(column, SQLDataType.OTHER).cast(SQLDataType.VARCHAR).coerce(Object.class) : stored;
  }

  static VectorColumn of(UserTable table, Column column) {
    return new VectorColumn(table, column);
  }

  /** Why {@code column} cannot hold vectors of {@code dimensions}, if it cannot. */
  static Optional<String> unfit(Column column, int dimensions) {
    return switch (column.type()) {
      case REAL_ARRAY, DOUBLE_ARRAY, BYTES -> Optional.empty();
      case VECTOR -> column.dimensions() > 0 && column.dimensions() != dimensions
          ? Optional.of("has " + column.dimensions() + " dimensions, but the model's vectors have " + dimensions)
          : Optional.empty();
      default -> Optional.of("cannot hold vectors: expected real[], double precision[], bytea (little-endian float32)"
          + " or pgvector's vector(" + dimensions + ")");
    };
  }

  Column column() {
    return column;
  }

  /** The column, to write to. */
  Field<Object> stored() {
    return stored;
  }

  /** The stored value as selected: Float[], Double[], byte[], or a pgvector's text. */
  Field<Object> raw() {
    return raw;
  }

  /** The value written for a vector as a bind value of a batch (where {@link #placeholder} stands). */
  Object value(float[] vector) {
    return switch (column.type()) {
      case REAL_ARRAY -> vector;
      case DOUBLE_ARRAY -> doubles(vector);
      case BYTES -> bytes(vector);
      default -> text(vector);
    };
  }

  /** Where a batch statement on {@code dialect} binds {@link #value} (or {@link #restored}). */
  Field<Object> placeholder(SQLDialect dialect) {
    return switch (column.type()) {
      case VECTOR -> castToVector(DSL.val((String) null));
      case REAL_ARRAY, DOUBLE_ARRAY -> DSL.val(null, Database.of(dialect).numberArrayParameter());
      default -> DSL.val(null, type);
    };
  }

  /**
   * What verification selects of a stored vector: its length and norm, where the database measures them itself,
   * else the value; {@link #measure} reads them. A query selecting values runs best through
   * {@link Database#binaryResults}.
   */
  List<Field<?>> measured(SQLDialect dialect) {
    return Database.of(dialect).vectorMeasure(stored, column.type()).orElse(List.of(raw));
  }

  /** The measure of the vector {@link #measured} selected from {@code record} at {@code at}; null for SQL NULL. */
  VectorTarget.Measure measure(org.jooq.Record record, int at, List<Field<?>> measured) {
    if (measured.size() == 2) {
      Integer length = record.get(at, Integer.class);
      Double norm = record.get(at + 1, Double.class);
      return length == null ? null : new VectorTarget.Measure(length, norm == null ? Double.NaN : norm);
    }
    float[] floats = floats(record.get(at));
    return floats == null ? null : new VectorTarget.Measure(floats.length, Vectors.norm(floats));
  }

  /** A stored value as floats; null for SQL NULL. */
  private float[] floats(Object stored) {
    if (stored == null) {
      return null;
    }
    return switch (column.type()) {
      case REAL_ARRAY -> unboxed((Float[]) stored);
      case DOUBLE_ARRAY -> narrowed((Double[]) stored);
      case BYTES -> fromBytes((byte[]) stored);
      default -> parse((String) stored);
    };
  }

  /** A stored value, exactly, as text; null for SQL NULL. */
  String keep(Object stored) {
    if (stored == null) {
      return null;
    }
    return switch (column.type()) {
      case REAL_ARRAY -> numbers((Object[]) stored);
      case DOUBLE_ARRAY -> numbers((Object[]) stored);
      case BYTES -> Base64.getEncoder().encodeToString((byte[]) stored);
      default -> (String) stored;
    };
  }

  /** The value {@link #keep} kept, to write back as a bind value where {@link #placeholder} stands. */
  Object restored(String kept) {
    if (kept == null) {
      return null;
    }
    return switch (column.type()) {
      case REAL_ARRAY -> reals(kept);
      case DOUBLE_ARRAY -> doubleValues(kept);
      case BYTES -> Base64.getDecoder().decode(kept);
      default -> kept;
    };
  }

  private static Field<Object> castToVector(Field<String> text) {
    return DSL.field("cast({0} as vector)", Object.class, text);
  }

  /** {@code [0.1,-2.5E-4,null,NaN]}: each element as Java prints it, which parses back to the same bits. */
  private static String numbers(Object[] values) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      text.append(i == 0 ? "" : ",").append(values[i] == null ? "null"
          : values[i] instanceof Float f && !Float.isFinite(f) || values[i] instanceof Double d && !Double.isFinite(d)
              ? "\"" + values[i] + "\"" : values[i].toString());
    }
    return text.append(']').toString();
  }

  private static List<String> elements(String text) {
    List<String> elements = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(text)) {
      parser.nextToken();
      for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
        elements.add(t == JsonToken.VALUE_NULL ? null : parser.getText());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable kept vector: " + e.getMessage(), e);
    }
    return elements;
  }

  private static Float[] reals(String kept) {
    List<String> elements = elements(kept);
    Float[] out = new Float[elements.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = elements.get(i) == null ? null : Float.parseFloat(elements.get(i));
    }
    return out;
  }

  private static Double[] doubleValues(String kept) {
    List<String> elements = elements(kept);
    Double[] out = new Double[elements.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = elements.get(i) == null ? null : Double.parseDouble(elements.get(i));
    }
    return out;
  }

  /** pgvector's text form, {@code [1,2.5,3]}. */
  private static float[] parse(String text) {
    List<String> elements = elements(text);
    float[] out = new float[elements.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Float.parseFloat(elements.get(i));
    }
    return out;
  }

  private static String text(float[] v) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      text.append(i == 0 ? "" : ",").append(v[i]);
    }
    return text.append(']').toString();
  }

  static byte[] bytes(float[] v) {
    ByteBuffer buffer = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      buffer.putFloat(x);
    }
    return buffer.array();
  }

  private static float[] fromBytes(byte[] bytes) {
    if (bytes.length % Float.BYTES != 0) {
      return new float[0];
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[bytes.length / Float.BYTES];
    for (int i = 0; i < out.length; i++) {
      out[i] = buffer.getFloat();
    }
    return out;
  }

  private static double[] doubles(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (double) v[i];
    }
    return out;
  }

  private static float[] unboxed(Float[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] == null ? Float.NaN : v[i];
    }
    return out;
  }

  private static float[] narrowed(Double[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] == null ? Float.NaN : (float) v[i].doubleValue();
    }
    return out;
  }
}
