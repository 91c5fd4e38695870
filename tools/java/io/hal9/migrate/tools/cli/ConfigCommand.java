package io.hal9.migrate.tools.cli;

import io.hal9.migrate.tools.ToolCode;
import io.hal9.migrate.tools.config.ConfigLint;
import io.hal9.migrate.tools.config.Finding;
import io.hal9.migrate.tools.config.Severity;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

@Command(name = "config", description = "Configuration hygiene.", subcommands = ConfigCommand.Lint.class)
final class ConfigCommand implements Runnable {

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand (lint)");
  }

  @Command(name = "lint",
      description = "Lint YAML (Kubernetes manifests too), JSON, .properties and .env files: placeholder secrets,"
          + " settings that differ between files, requests above limits, replicas outside their HPA,"
          + " ServiceMonitor apiVersion. Exit 5 when an error is found.")
  static final class Lint extends ToolCommand {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Config files, or directories to walk.")
    List<Path> paths;

    @Override
    Map<String, Object> execute() throws Exception {
      List<Finding> findings = ConfigLint.standard().lint(paths);
      findings.forEach(finding -> out.line(finding.toString()));
      long errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).count();
      long warnings = findings.size() - errors;
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("findings", findings.stream().map(Lint::json).toList());
      fields.put("errors", errors);
      fields.put("warnings", warnings);
      String summary = count(errors, "error") + ", " + count(warnings, "warning");
      if (errors > 0) {
        throw new CheckFailed(ToolCode.CONFIG_INVALID, "config lint: " + summary,
            findings.stream().map(Finding::toString).toList(), fields);
      }
      out.line("config lint: " + summary);
      return fields;
    }

    private static Map<String, Object> json(Finding finding) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("file", finding.file().toString());
      fields.put("line", finding.line());
      fields.put("severity", finding.severity().name().toLowerCase(Locale.ROOT));
      fields.put("rule", finding.rule());
      fields.put("message", finding.message());
      return fields;
    }

    private static String count(long n, String noun) {
      return n + " " + noun + (n == 1 ? "" : "s");
    }
  }
}
