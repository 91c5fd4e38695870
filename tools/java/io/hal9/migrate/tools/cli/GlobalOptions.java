package io.hal9.migrate.tools.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every command takes, before or after the command name ({@code --url U run} = {@code run --url U}).
 * Unset options fall back to the environment, then to the embedded demo defaults.
 */
final class GlobalOptions {
  static final String DEFAULT_URL = "jdbc:h2:file:./.hal9/hal9";
  static final String DEFAULT_PLANS = "plans/demo";

  @Option(names = "--url", paramLabel = "JDBC_URL", description = "Target database (env HAL9_DB_URL; default " + DEFAULT_URL + ").")
  String url;

  @Option(names = "--user", paramLabel = "USER", description = "Database user (env HAL9_DB_USER).")
  String user;

  @Option(names = "--password", paramLabel = "PASSWORD", description = "Database password (env HAL9_DB_PASSWORD); never printed.")
  String password;

  @Option(names = "--plans", paramLabel = "DIR", description = "Plan directory (env HAL9_PLANS; default " + DEFAULT_PLANS + ").")
  Path plans;

  @Option(names = "--json", description = "Print one JSON document (failures included) instead of text.")
  boolean json;

  @Option(names = "--classpath", paramLabel = "JARS", split = ":",
      description = "Jars or folders with your own classes (neuron-state 'transform:', step types), ':'-separated.")
  List<Path> classpath = new ArrayList<>();

  /** This command's options, completed by those given before the command name, then the environment. */
  GlobalOptions over(GlobalOptions outer, Map<String, String> env) {
    GlobalOptions merged = new GlobalOptions();
    merged.url = first(url, outer.url, env.get("HAL9_DB_URL"), DEFAULT_URL);
    merged.user = first(user, outer.user, env.get("HAL9_DB_USER"), null);
    merged.password = first(password, outer.password, env.get("HAL9_DB_PASSWORD"), null);
    merged.plans = Path.of(first(plans == null ? null : plans.toString(), outer.plans == null ? null : outer.plans.toString(),
        env.get("HAL9_PLANS"), DEFAULT_PLANS));
    merged.json = json || outer.json;
    merged.classpath = new ArrayList<>(outer.classpath);
    merged.classpath.addAll(classpath);
    return merged;
  }

  private static String first(String... values) {
    for (String value : values) {
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return null;
  }
}
