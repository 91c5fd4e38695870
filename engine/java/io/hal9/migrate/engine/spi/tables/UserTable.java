package io.hal9.migrate.engine.spi.tables;

import static org.jooq.impl.DSL.quotedName;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * A user's table as the database's catalog has it: its exact schema and name, its columns with their types, and
 * the column sets that are unique (primary key, unique constraints and indexes). Every name in the SQL the
 * engine writes for it comes from here, quoted.
 */
public final class UserTable {
  private final String written;
  private final String schema;
  private final String name;
  private final List<Column> columns;
  private final List<Set<String>> uniqueKeys;
  private final boolean upperCase;

  UserTable(String written, String schema, String name, List<Column> columns, List<Set<String>> uniqueKeys,
      boolean upperCase) {
    this.written = written;
    this.schema = schema;
    this.name = name;
    this.columns = List.copyOf(columns);
    this.uniqueKeys = List.copyOf(uniqueKeys);
    this.upperCase = upperCase;
  }

  /** The name as the plan wrote it, for messages. */
  public String written() {
    return written;
  }

  public String schema() {
    return schema;
  }

  public String name() {
    return name;
  }

  public List<Column> columns() {
    return columns;
  }

  public Table<Record> table() {
    return DSL.table(quotedName(schema, name));
  }

  /** The column a plan names ({@code id}, {@code "Id"}), matched as the database matches names. */
  public Optional<Column> column(Identifier column) {
    String folded = column.folded(upperCase);
    return columns.stream().filter(c -> c.name().equals(folded)).findFirst();
  }

  /** @throws IllegalArgumentException when the text is not a column name */
  public Optional<Column> column(String written) {
    return column(SqlNames.column(written));
  }

  public <T> Field<T> field(Column column, DataType<T> type) {
    return DSL.field(quotedName(schema, name, column.name()), type);
  }

  /** The column read as text (documents, labels). */
  public Field<String> text(Column column) {
    return field(column, SQLDataType.VARCHAR);
  }

  /** Whether a primary key, unique constraint or unique index covers exactly these columns. */
  public boolean unique(List<Column> key) {
    Set<String> names = key.stream().map(Column::name).collect(Collectors.toCollection(HashSet::new));
    return uniqueKeys.contains(names);
  }

  /** {@code column neurons.state_version does not exist (columns: id, layer, ...)}. */
  public String missing(String column) {
    return "column " + written + "." + column + " does not exist (columns: "
        + columns.stream().map(Column::name).collect(Collectors.joining(", ")) + ")";
  }

  /** The unique column sets, for messages. */
  public String uniqueKeys() {
    return uniqueKeys.isEmpty() ? "none" : uniqueKeys.stream().map(k -> "(" + String.join(", ", k) + ")")
        .collect(Collectors.joining(", "));
  }
}
