package io.hal9.migrate.engine.internal.steps.embedding;

import io.hal9.migrate.support.TestDatabase;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The column types an embedding step writes vectors into, on each database: how the test declares them, binds a
 * value the step did not write, reads a vector back, and renders a stored value exactly (the database's text or
 * hex, and each element's raw bits), to compare before and after.
 */
enum VectorType {
  REAL("REAL[]", "REAL ARRAY"),
  DOUBLE("DOUBLE PRECISION[]", "DOUBLE PRECISION ARRAY"),
  BYTES("BYTEA", "VARBINARY");

  private final String postgres;
  private final String h2;

  VectorType(String postgres, String h2) {
    this.postgres = postgres;
    this.h2 = h2;
  }

  String sql(TestDatabase db) {
    return db.isPostgres() ? postgres : h2;
  }

  /** The stored value as the database prints it: its text for arrays, hex for bytes; null for NULL. */
  String text(TestDatabase db, String column) {
    if (this == BYTES) {
      return db.isPostgres() ? "encode(" + column + ", 'hex')" : "RAWTOHEX(" + column + ")";
    }
    return db.isPostgres() ? column + "::text" : "CAST(" + column + " AS VARCHAR)";
  }

  /** Binds {@code value} (float[], double[] or byte[], or null) as parameter {@code i}. */
  void bind(Connection c, PreparedStatement ps, int i, Object value) throws SQLException {
    if (value == null) {
      ps.setNull(i, this == BYTES ? Types.VARBINARY : Types.ARRAY);
      return;
    }
    switch (this) {
      case BYTES -> ps.setBytes(i, (byte[]) value);
      case REAL -> {
        float[] v = (float[]) value;
        Float[] boxed = new Float[v.length];
        for (int k = 0; k < v.length; k++) {
          boxed[k] = v[k];
        }
        ps.setArray(i, c.createArrayOf(c.getMetaData().getDatabaseProductName().contains("H2") ? "REAL" : "float4", boxed));
      }
      case DOUBLE -> {
        double[] v = (double[]) value;
        Double[] boxed = new Double[v.length];
        for (int k = 0; k < v.length; k++) {
          boxed[k] = v[k];
        }
        ps.setArray(i, c.createArrayOf(c.getMetaData().getDatabaseProductName().contains("H2") ? "DOUBLE PRECISION" : "float8", boxed));
      }
    }
  }

  /**
   * What the step stores for {@code vector}: the floats themselves (REAL), each widened to a double (DOUBLE), or
   * little-endian float32 bytes (BYTES), rendered as {@link #exact} renders a stored value.
   */
  String expected(float[] vector) {
    StringBuilder out = new StringBuilder();
    switch (this) {
      case REAL -> {
        for (float x : vector) {
          out.append(Integer.toHexString(Float.floatToRawIntBits(x))).append(' ');
        }
      }
      case DOUBLE -> {
        for (float x : vector) {
          out.append(Long.toHexString(Double.doubleToRawLongBits(x))).append(' ');
        }
      }
      case BYTES -> out.append(hex(littleEndian(vector)));
    }
    return out.toString().trim();
  }

  /** A value read through JDBC, exactly: each element's raw bits (arrays), or the bytes in hex; null for NULL. */
  String exact(ResultSet r, int i) throws SQLException {
    if (this == BYTES) {
      byte[] bytes = r.getBytes(i);
      return bytes == null ? null : hex(bytes);
    }
    Array array = r.getArray(i);
    if (array == null) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    for (Object element : (Object[]) array.getArray()) {
      if (element == null) {
        out.append("null");
      } else if (this == REAL) {
        out.append(Integer.toHexString(Float.floatToRawIntBits((Float) element)));
      } else {
        out.append(Long.toHexString(Double.doubleToRawLongBits((Double) element)));
      }
      out.append(' ');
    }
    return out.toString().trim();
  }

  /**
   * Every row of {@code table}, by its key rendered as text ({@code keySql}): {@code value} as the database prints
   * it and, after a '|', as {@link #exact} reads it.
   */
  Map<String, String> rendered(TestDatabase db, String table, String keySql, String value) throws SQLException {
    Map<String, String> rows = new LinkedHashMap<>();
    try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement("SELECT " + keySql + ", " + text(db, value) + ", "
        + value + " FROM " + table + " ORDER BY 1"); ResultSet r = ps.executeQuery()) {
      while (r.next()) {
        rows.put(r.getString(1), r.getString(2) + "|" + exact(r, 3));
      }
    }
    return rows;
  }

  static byte[] littleEndian(float[] v) {
    ByteBuffer buffer = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      buffer.putFloat(x);
    }
    return buffer.array();
  }

  static String hex(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append(String.format("%02x", b));
    }
    return out.toString();
  }
}
