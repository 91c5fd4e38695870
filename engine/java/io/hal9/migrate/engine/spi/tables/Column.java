package io.hal9.migrate.engine.spi.tables;

/**
 * A column of a resolved table: its exact name in the catalog, what it holds, the database's name for its type,
 * and for a pgvector column its dimensions (0 otherwise).
 */
public record Column(String name, ColumnType type, String typeName, int dimensions) {

  /** {@code name (type)}, for messages. */
  public String describe() {
    return name + " (" + typeName + (dimensions > 0 ? "(" + dimensions + ")" : "") + ")";
  }
}
