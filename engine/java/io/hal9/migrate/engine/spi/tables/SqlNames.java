package io.hal9.migrate.engine.spi.tables;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the table and column names a plan gives: plain SQL names and double-quoted ones, a table optionally
 * qualified by its schema ({@code hal9.neurons}, {@code "Neurons"}, {@code public."odd ""name"""}). A name is
 * checked here and then resolved against the database's catalog; SQL only ever holds the catalog's names,
 * quoted, never the plan's text.
 */
public final class SqlNames {
  /** PostgreSQL's limit (NAMEDATALEN - 1): a longer name would be truncated silently, and miss. */
  static final int MAX_BYTES = 63;

  private SqlNames() {}

  /** A column: one name. @throws IllegalArgumentException saying what is wrong (the problem alone) */
  public static Identifier column(String text) {
    List<Identifier> parts = parse(text);
    if (parts.size() != 1) {
      throw new IllegalArgumentException("a column is one name (quote a name with a dot in it)");
    }
    return parts.get(0);
  }

  /** A table: a name, or a schema and a name. @throws IllegalArgumentException saying what is wrong */
  public static List<Identifier> table(String text) {
    List<Identifier> parts = parse(text);
    if (parts.size() > 2) {
      throw new IllegalArgumentException("more than a schema and a table name");
    }
    return parts;
  }

  /** Whether {@code text} reads as a column (for plan validation, which reports the message itself). */
  public static boolean isColumn(String text) {
    try {
      column(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public static boolean isTable(String text) {
    try {
      table(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Dot-separated names, each plain or quoted. */
  private static List<Identifier> parse(String text) {
    List<Identifier> parts = new ArrayList<>();
    int i = 0;
    while (true) {
      if (i >= text.length()) {
        throw new IllegalArgumentException("a name is missing");
      }
      int start = i;
      if (text.charAt(i) == '"') {
        StringBuilder name = new StringBuilder();
        i++;
        while (true) {
          if (i >= text.length()) {
            throw new IllegalArgumentException("a quote is not closed");
          }
          char c = text.charAt(i++);
          if (c == '"') {
            if (i < text.length() && text.charAt(i) == '"') {
              name.append('"');
              i++;
            } else {
              break;
            }
          } else {
            name.append(c);
          }
        }
        parts.add(checked(new Identifier(name.toString(), true)));
      } else {
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text.charAt(i) == '$')) {
          i++;
        }
        String name = text.substring(start, i);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
          throw new IllegalArgumentException(name.isEmpty() ? "unexpected '" + text.charAt(i) + "'"
              : "a plain name is letters, digits and '_', not starting with a digit (quote any other)");
        }
        parts.add(checked(new Identifier(name, false)));
      }
      if (i == text.length()) {
        return parts;
      }
      if (text.charAt(i) != '.') {
        throw new IllegalArgumentException("unexpected '" + text.charAt(i) + "'");
      }
      i++;
    }
  }

  private static Identifier checked(Identifier name) {
    if (name.name().isEmpty()) {
      throw new IllegalArgumentException("an empty quoted name");
    }
    int bytes = name.name().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException("a name of " + bytes + " bytes, longer than PostgreSQL's " + MAX_BYTES);
    }
    return name;
  }
}
