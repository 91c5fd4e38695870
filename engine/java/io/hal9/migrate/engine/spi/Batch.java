package io.hal9.migrate.engine.spi;

/**
 * What one committed unit of work moved: the cursor to resume after, the rows it handled, and the step's
 * counters as a JSON object (or null).
 */
public record Batch(String cursor, long rows, String counters) {
  public static Batch of(String cursor, long rows) {
    return new Batch(cursor, rows, null);
  }
}
