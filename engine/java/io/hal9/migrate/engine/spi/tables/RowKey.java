package io.hal9.migrate.engine.spi.tables;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** One row's key: the value of each key column, each in its own type (a UUID as a UUID, a numeric exactly). */
public record RowKey(List<Object> values) {

  public RowKey {
    values = Collections.unmodifiableList(new ArrayList<>(values));
  }

  public static RowKey of(Object... values) {
    return new RowKey(java.util.Arrays.asList(values));
  }

  /** The key as text: its value alone, or {@code (a, b)} for several columns. */
  @Override
  public String toString() {
    return values.size() == 1 ? String.valueOf(values.get(0))
        : values.stream().map(String::valueOf).collect(Collectors.joining(", ", "(", ")"));
  }
}
