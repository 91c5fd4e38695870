package io.hal9.migrate.engine.tables;

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

  /** A column: one name. @throws IllegalArgumentException saying what is wrong */
  public static Identifier column(String text) {
    List<Identifier> parts = parse(text);
    if (parts.size() != 1) {
      throw new IllegalArgumentException("expected a column name such as id or \"Id\", got '" + text + "'");
    }
    return parts.get(0);
  }

  /** A table: a name, or a schema and a name. @throws IllegalArgumentException saying what is wrong */
  public static List<Identifier> table(String text) {
    List<Identifier> parts = parse(text);
    if (parts.size() > 2) {
      throw new IllegalArgumentException("expected a table name such as neurons, hal9.neurons or \"Neurons\", got '" + text + "'");
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
        throw bad(text, "a name is missing");
      }
      int start = i;
      if (text.charAt(i) == '"') {
        StringBuilder name = new StringBuilder();
        i++;
        while (true) {
          if (i >= text.length()) {
            throw bad(text, "a quote is not closed");
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
        parts.add(checked(text, new Identifier(name.toString(), true)));
      } else {
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text.charAt(i) == '$')) {
          i++;
        }
        String name = text.substring(start, i);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
          throw bad(text, name.isEmpty() ? "unexpected '" + text.charAt(i) + "'"
              : "'" + name + "' is not a plain SQL name (letters, digits, '_'; not starting with a digit); quote it");
        }
        parts.add(checked(text, new Identifier(name, false)));
      }
      if (i == text.length()) {
        return parts;
      }
      if (text.charAt(i) != '.') {
        throw bad(text, "unexpected '" + text.charAt(i) + "'");
      }
      i++;
    }
  }

  private static Identifier checked(String text, Identifier name) {
    if (name.name().isEmpty()) {
      throw bad(text, "an empty quoted name");
    }
    if (name.name().getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      throw bad(text, "'" + name.name() + "' is longer than " + MAX_BYTES + " bytes");
    }
    return name;
  }

  private static IllegalArgumentException bad(String text, String problem) {
    return new IllegalArgumentException("'" + text + "' is not a SQL name: " + problem);
  }
}
