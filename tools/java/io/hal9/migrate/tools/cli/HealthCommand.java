package io.hal9.migrate.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.spi.LocatedYaml;
import io.hal9.migrate.engine.spi.PlanProblem;
import io.hal9.migrate.tools.ToolCode;
import io.hal9.migrate.tools.health.CheckResult;
import io.hal9.migrate.tools.health.HealthCheck;
import io.hal9.migrate.tools.health.HealthChecks;
import io.hal9.migrate.tools.health.HealthReport;
import io.hal9.migrate.tools.health.HealthTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "health", description = {
    "Measures the database, disks, ports, neurons, checkpoints and configs against their limits (exit 5 on a failed check).",
    "Without --checks: database round trip, the disk of the working directory, and checkpoint lag."})
final class HealthCommand extends ToolCommand {
  /** What {@code health} checks when no file says otherwise. */
  private static final String DEFAULT_CHECKS =
      "[{\"check\":\"database\"},{\"check\":\"disk\",\"path\":\".\"},{\"check\":\"checkpoint-lag\"}]";

  @Option(names = "--checks", paramLabel = "FILE",
      description = "YAML file with a 'checks:' list, as in a health step (relative paths resolve against its folder).")
  Path checksFile;

  @Override
  Map<String, Object> execute() throws Exception {
    List<HealthCheck> checks = checksFile == null ? defaults() : fromFile(checksFile);
    HealthReport report;
    try (HealthTarget target = HealthTarget.connecting(options.url, options.user, options.password())) {
      report = HealthReport.run(checks, target);
    }
    int width = report.results().stream().mapToInt(result -> result.name().length()).max().orElse(0);
    for (CheckResult result : report.results()) {
      out.line(String.format(Locale.ROOT, "%-8s %-" + width + "s  %s", result.status().label(), result.name(), result.message()));
    }
    out.line("health: " + report.summary());
    if (!report.failed().isEmpty()) {
      Hal9MigrateException failure = report.failure();
      throw new CheckFailed(failure.code(), failure.getMessage(), failure.details(), report.toMap());
    }
    return report.toMap();
  }

  private static List<HealthCheck> defaults() throws Exception {
    return HealthChecks.parse(new ObjectMapper().readTree(DEFAULT_CHECKS), Path.of("."), (index, key, message) -> {
      throw new IllegalStateException(message);
    });
  }

  /**
   * The file's {@code checks:} list; any mistake is exit 2 with its file and line, before anything is measured. A
   * file that cannot be read at all is no mistake in it: {@code CONFIG_UNREADABLE}, as for {@code config lint}.
   */
  private static List<HealthCheck> fromFile(Path file) {
    String unreadable = !Files.exists(file) ? "no such file" : Files.isDirectory(file) ? "a directory"
        : !Files.isReadable(file) ? "permission denied" : null;
    if (unreadable != null) {
      String problem = file + ": cannot read the checks file: " + unreadable;
      throw new Hal9MigrateException(ToolCode.CONFIG_UNREADABLE, problem, List.of(problem), null);
    }
    List<PlanProblem> problems = new ArrayList<>();
    LocatedYaml yaml = LocatedYaml.read(file, problems);
    JsonNode root = yaml.root();
    List<HealthCheck> checks = List.of();
    if (root != null) {
      if (!root.isObject() || !root.has("checks")) {
        problems.add(new PlanProblem(file, 1, "expected a map with 'checks:' (a list of checks)"));
      } else {
        root.fieldNames().forEachRemaining(key -> {
          if (!key.equals("checks")) {
            problems.add(new PlanProblem(file, yaml.line("/" + key), "unknown key '" + key + "' (expected only 'checks')"));
          }
        });
        Path base = file.toAbsolutePath().getParent();
        checks = HealthChecks.parse(root.get("checks"), base, (index, key, message) -> problems.add(new PlanProblem(file,
            yaml.line("/checks" + (index < 0 ? "" : "/" + index + (key == null ? "" : "/" + key))), message)));
      }
    }
    if (!problems.isEmpty()) {
      List<String> details = problems.stream().map(PlanProblem::toString).toList();
      throw new Hal9MigrateException(ErrorCode.PLAN_INVALID, "invalid checks file " + file + ": " + details.get(0), details, null);
    }
    return checks;
  }
}
