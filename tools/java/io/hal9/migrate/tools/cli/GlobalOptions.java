package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.ToolCode;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

  @Option(names = "--password", paramLabel = "PASSWORD",
      description = "Database password (env HAL9_DB_PASSWORD); never printed, but visible in ps: prefer --password-file.")
  String password;

  @Option(names = "--password-file", paramLabel = "FILE",
      description = "File holding the database password, e.g. a mounted secret (env HAL9_DB_PASSWORD_FILE); never printed.")
  Path passwordFile;

  /** Which option or variable named {@link #passwordFile}, for the message when it cannot be read. */
  private String passwordFileSource;

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
    // A value beats a file, and the command line beats the environment; the file is read only when it wins.
    merged.password = first(password, outer.password);
    Path file = passwordFile != null ? passwordFile : outer.passwordFile;
    if (merged.password == null && file != null) {
      merged.passwordFile = file;
      merged.passwordFileSource = "--password-file";
    } else if (merged.password == null) {
      merged.password = first(env.get("HAL9_DB_PASSWORD"));
      String envFile = first(env.get("HAL9_DB_PASSWORD_FILE"));
      if (merged.password == null && envFile != null) {
        merged.passwordFile = Path.of(envFile);
        merged.passwordFileSource = "HAL9_DB_PASSWORD_FILE";
      }
    }
    merged.plans = Path.of(first(plans == null ? null : plans.toString(), outer.plans == null ? null : outer.plans.toString(),
        env.get("HAL9_PLANS"), DEFAULT_PLANS));
    merged.json = json || outer.json;
    merged.classpath = new ArrayList<>(outer.classpath);
    merged.classpath.addAll(classpath);
    return merged;
  }

  /**
   * The password: as given, or read from its file on first use (by the commands that connect), without the
   * trailing newline a secret file usually ends with.
   *
   * @throws Hal9MigrateException CONFIG_UNREADABLE naming the file (never its content) when it cannot be read
   */
  String password() {
    if (passwordFile != null) {
      Path file = passwordFile;
      passwordFile = null;
      try {
        password = first(Files.readString(file).replaceFirst("[\\r\\n]+$", ""));
      } catch (IOException e) {
        String why = e instanceof NoSuchFileException ? "no such file" : Files.isDirectory(file) ? "a directory"
            : e instanceof AccessDeniedException ? "permission denied" : e.getClass().getSimpleName();
        String problem = file + ": cannot read the password file (" + passwordFileSource + "): " + why;
        throw new Hal9MigrateException(ToolCode.CONFIG_UNREADABLE, problem, List.of(problem), null);
      }
    }
    return password;
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
