package io.hal9.migrate.engine.spi.tables;

import java.util.Locale;

/**
 * One SQL name as a plan writes it: plain ({@code neurons}, whose case the database folds) or double-quoted
 * ({@code "Neurons"}, exact).
 */
public record Identifier(String name, boolean quoted) {

  /** As the database stores it: a quoted name exactly, a plain one folded the way the database folds it. */
  public String folded(boolean upperCase) {
    if (quoted) {
      return name;
    }
    return upperCase ? name.toUpperCase(Locale.ROOT) : name.toLowerCase(Locale.ROOT);
  }

  /** As written in SQL: plain names as they are, quoted ones quoted (with inner quotes doubled). */
  @Override
  public String toString() {
    return quoted ? '"' + name.replace("\"", "\"\"") + '"' : name;
  }
}
