package io.hal9.migrate.tools.config;

import io.hal9.migrate.engine.spi.PlanProblem;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A .properties file. {@link Properties} knows no line numbers, so this cuts the file into logical lines
 * (a line ending in an odd number of backslashes continues on the next; comments never do) and hands each
 * one to {@link Properties#load(java.io.Reader)}: the keys and values are exactly what Java reads, each with
 * the line it starts on.
 */
final class PropertiesReader extends LineConfigReader {
  @Override
  List<ConfigEntry> entries(ConfigDocument document, List<String> lines, List<PlanProblem> problems) {
    List<ConfigEntry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).stripLeading();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
        continue;
      }
      int first = i;
      StringBuilder logical = new StringBuilder(lines.get(i));
      while (continues(lines.get(i)) && i + 1 < lines.size()) {
        logical.append('\n').append(lines.get(++i));
      }
      Properties properties = new Properties();
      try {
        properties.load(new StringReader(logical.toString()));
      } catch (IllegalArgumentException e) {
        problems.add(new PlanProblem(document.file(), first + 1, "invalid .properties line: " + e.getMessage()));
      } catch (IOException e) {
        throw new UncheckedIOException(e); // a StringReader does not fail
      }
      for (String key : properties.stringPropertyNames()) {
        entries.add(new ConfigEntry(document, List.of(key), properties.getProperty(key), first + 1));
      }
    }
    return entries;
  }

  private static boolean continues(String line) {
    int backslashes = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      backslashes++;
    }
    return backslashes % 2 == 1;
  }
}
