package io.hal9.migrate.engine.spi.tables;

import java.sql.Types;
import java.util.Locale;
import java.util.Set;
import org.jooq.DataType;
import org.jooq.impl.SQLDataType;

/** What a column holds, as far as the engine's steps care: keys, state documents, vectors. */
public enum ColumnType {
  INTEGER(SQLDataType.BIGINT),
  DECIMAL(SQLDataType.NUMERIC),
  FLOAT(SQLDataType.DOUBLE),
  TEXT(SQLDataType.VARCHAR),
  UUID(SQLDataType.UUID),
  DATE(SQLDataType.LOCALDATE),
  TIMESTAMP(SQLDataType.LOCALDATETIME),
  TIMESTAMP_TZ(SQLDataType.OFFSETDATETIME),
  JSON(null),
  JSONB(null),
  BOOLEAN(null),
  REAL_ARRAY(null),
  DOUBLE_ARRAY(null),
  BYTES(null),
  /** pgvector's {@code vector(n)}. */
  VECTOR(null),
  OTHER(null);

  private static final Set<String> PG_INTEGERS = Set.of("int2", "int4", "int8", "serial", "bigserial", "smallserial");

  private final DataType<?> keyType;

  ColumnType(DataType<?> keyType) {
    this.keyType = keyType;
  }

  /** Whether a keyset may order and bind on it. */
  public boolean orderable() {
    return keyType != null;
  }

  /** The type a key of this column is read and bound as (its own: a UUID as a UUID, a numeric as a BigDecimal). */
  DataType<?> keyType() {
    return keyType;
  }

  public boolean text() {
    return this == TEXT;
  }

  /** From the driver's metadata: the JDBC type and the database's own type name. */
  static ColumnType of(int jdbcType, String typeName) {
    String name = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    switch (name) {
      case "uuid":
        return UUID;
      case "json":
        return JSON;
      case "jsonb":
        return JSONB;
      case "vector":
        return VECTOR;
      case "_float4":
      case "real array":
        return REAL_ARRAY;
      case "_float8":
      case "double precision array":
        return DOUBLE_ARRAY;
      case "timestamptz":
      case "timestamp with time zone":
        return TIMESTAMP_TZ;
      default:
        break;
    }
    if (PG_INTEGERS.contains(name)) {
      return INTEGER;
    }
    switch (jdbcType) {
      case Types.TINYINT:
      case Types.SMALLINT:
      case Types.INTEGER:
      case Types.BIGINT:
        return INTEGER;
      case Types.NUMERIC:
      case Types.DECIMAL:
        return DECIMAL;
      case Types.REAL:
      case Types.FLOAT:
      case Types.DOUBLE:
        return FLOAT;
      case Types.CHAR:
      case Types.VARCHAR:
      case Types.LONGVARCHAR:
      case Types.NCHAR:
      case Types.NVARCHAR:
      case Types.LONGNVARCHAR:
      case Types.CLOB:
      case Types.NCLOB:
        return TEXT;
      case Types.DATE:
        return DATE;
      case Types.TIMESTAMP:
        return TIMESTAMP;
      case Types.TIMESTAMP_WITH_TIMEZONE:
        return TIMESTAMP_TZ;
      case Types.BOOLEAN:
      case Types.BIT:
        return BOOLEAN;
      case Types.BINARY:
      case Types.VARBINARY:
      case Types.LONGVARBINARY:
      case Types.BLOB:
        return BYTES;
      default:
        return OTHER;
    }
  }
}
