package io.hal9.migrate.engine.internal.steps;

import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.tables.Catalog;
import io.hal9.migrate.engine.spi.tables.Column;
import io.hal9.migrate.engine.spi.tables.Keyset;
import io.hal9.migrate.engine.spi.tables.UserTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a step names in the database, resolved through the catalog: each mismatch is reported against the key of
 * the step that names it ({@code key 'version-column': column neurons.state_version does not exist ...}). The
 * preflight collects every problem; a step about to run fails on the first.
 */
public final class StepTables {
  private final StepDefinition step;
  private final Catalog catalog;
  private final Problems problems;
  private boolean failed;
  private String upTo;

  public StepTables(StepDefinition step, Catalog catalog, Problems problems) {
    this.step = step;
    this.catalog = catalog;
    this.problems = problems;
  }

  /** Whether nothing was reported. */
  public boolean ok() {
    return !failed;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** The table named by {@code key}. */
  public Optional<UserTable> table(String key) {
    String name = step.string(key);
    try {
      Optional<UserTable> table = catalog.table(name);
      if (table.isEmpty()) {
        report(key, "table " + name + " does not exist");
      } else if (table.get().columns().isEmpty()) {
        report(key, "table " + name + " has no columns this connection may read");
        return Optional.empty();
      }
      return table;
    } catch (IllegalArgumentException e) {
      report(key, "'" + name + "' is not a table name: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The column named by {@code key}. */
  public Optional<Column> column(UserTable table, String key) {
    return column(table, key, step.string(key));
  }

  /** The column {@code written} (named under {@code key}, perhaps inside an op). */
  public Optional<Column> column(UserTable table, String key, String written) {
    try {
      Optional<Column> column = table.column(written);
      if (column.isEmpty()) {
        report(key, table.missing(written));
      }
      return column;
    } catch (IllegalArgumentException e) {
      report(key, "'" + written + "' is not a column name: " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The column named by {@code key}, which must be what {@code fits} accepts ({@code expected} says what). */
  public Optional<Column> column(UserTable table, String key, Predicate<Column> fits, String expected) {
    Optional<Column> column = column(table, key);
    if (column.isPresent() && !fits.test(column.get())) {
      report(key, "column " + table.written() + "." + column.get().describe() + " " + expected);
      return Optional.empty();
    }
    return column;
  }

  /** The unique key named by {@code key} (a column or a list of them), each orderable. */
  public Optional<Keyset> keyset(UserTable table, String key) {
    List<Column> columns = new ArrayList<>();
    for (String name : step.strings(key)) {
      Optional<Column> column = column(table, key, name);
      if (column.isEmpty()) {
        return Optional.empty();
      }
      if (!column.get().type().orderable()) {
        report(key, "column " + table.written() + "." + column.get().describe() + " cannot be a key: expected an integer,"
            + " numeric, text, uuid, date or timestamp column");
        return Optional.empty();
      }
      columns.add(column.get());
    }
    if (!table.unique(columns)) {
      report(key, "(" + columns.stream().map(Column::name).collect(Collectors.joining(", ")) + ") is not a unique key of "
          + table.written() + ": no primary key, unique constraint or unique index covers exactly these columns"
          + " (unique: " + table.uniqueKeys() + ")");
      return Optional.empty();
    }
    Keyset keyset = Keyset.of(table, columns, step.strings(key));
    return Optional.of(upTo == null ? keyset : keyset.upTo(keyset.parse(upTo)));
  }

  /** Keysets that end at {@code lastKey} (a partition's last key as the checkpoint keeps it; null: no end). */
  public StepTables upTo(String lastKey) {
    this.upTo = lastKey;
    return this;
  }

  public void report(String key, String message) {
    failed = true;
    problems.report(step, key, message);
  }

  /** Problems that stop a step about to run at the first one, naming it. */
  public static Problems failing() {
    return (step, key, message) -> {
      throw new IllegalStateException(step.file().getFileName() + ":" + step.line(key) + ": step '" + step.id()
          + "' key '" + key + "': " + message);
    };
  }
}
