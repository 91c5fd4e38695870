package io.hal9.migrate.tools.config;

import io.hal9.migrate.engine.spi.PlanProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A .env file, as docker compose and the dotenv libraries read it: {@code [export ]NAME=VALUE} per line,
 * {@code #} comments, values bare (an inline comment starts at {@code " #"}), in single quotes (literal) or in
 * double quotes (with {@code \n}, {@code \"} and {@code \\} escapes). There is no Java library for it, and
 * line numbers are the point, so it is read here. A quoted value spanning lines is not supported (an error).
 */
final class EnvReader extends LineConfigReader {
  private static final Pattern ASSIGNMENT = Pattern.compile("(?:export\\s+)?([A-Za-z_][A-Za-z0-9_.]*)\\s*=\\s*(.*)");

  @Override
  List<ConfigEntry> entries(ConfigDocument document, List<String> lines, List<PlanProblem> problems) {
    List<ConfigEntry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      // The line itself is never quoted in a problem: it may hold a secret.
      Matcher assignment = ASSIGNMENT.matcher(line);
      if (!assignment.matches()) {
        problems.add(new PlanProblem(document.file(), i + 1, "invalid .env line: expected NAME=VALUE"));
        continue;
      }
      String value = value(assignment.group(2));
      if (value == null) {
        problems.add(new PlanProblem(document.file(), i + 1,
            "invalid .env line: unclosed quote in the value of " + assignment.group(1)));
        continue;
      }
      entries.add(new ConfigEntry(document, List.of(assignment.group(1)), value, i + 1));
    }
    return entries;
  }

  /** The value as the application sees it, or null when a quote is not closed on its line. */
  private static String value(String raw) {
    if (raw.startsWith("'")) {
      int end = raw.indexOf('\'', 1);
      return end < 0 ? null : raw.substring(1, end);
    }
    if (raw.startsWith("\"")) {
      StringBuilder value = new StringBuilder();
      for (int i = 1; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c == '"') {
          return value.toString();
        }
        if (c == '\\' && i + 1 < raw.length()) {
          char next = raw.charAt(++i);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      return null;
    }
    int comment = raw.indexOf(" #");
    return (comment < 0 ? raw : raw.substring(0, comment)).strip();
  }
}
