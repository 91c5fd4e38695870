package io.hal9.migrate.engine.spi;

/**
 * What one committed unit of work moved: the cursor to resume after, the rows it handled, and the step's counters
 * (any value Jackson writes as a JSON object, such as a record), or null to keep those committed before.
 */
public record Batch(String cursor, long rows, Object counters) {
  public static Batch of(String cursor, long rows) {
    return new Batch(cursor, rows, null);
  }

  public Batch withCounters(Object counters) {
    return new Batch(cursor, rows, counters);
  }
}
