package io.hal9.migrate.tools.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI in a JVM of its own, on a benchmark's scratch schema, started as this one was (tools/hal9-migrate maps its
 * class archive: so do the children); the password goes by environment, never by argument.
 */
final class ChildCli {
  private final String user;
  private final String password;

  ChildCli(String user, String password) {
    this.user = user;
    this.password = password;
  }

  /** {@code hal9-migrate --url URL --plans PLANS COMMAND...}, its output to {@code output}. */
  Process start(String url, Path plans, ProcessBuilder.Redirect output, String... command) throws IOException {
    List<String> args = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m"));
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("-XX:SharedArchiveFile=") || a.startsWith("-Xlog:cds"))
        .forEach(args::add);
    args.addAll(List.of("-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true", "-cp", System.getProperty("java.class.path"),
        "io.hal9.migrate.tools.cli.Main", "--url", url, "--plans", plans.toString()));
    if (user != null) {
      args.addAll(List.of("--user", user));
    }
    args.addAll(List.of(command));
    ProcessBuilder builder = new ProcessBuilder(args).redirectOutput(output).redirectError(output);
    if (password != null) {
      builder.environment().put("HAL9_DB_PASSWORD", password);
    }
    return builder.start();
  }
}
