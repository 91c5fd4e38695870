package io.hal9.migrate.tools.config;

import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.spi.PlanProblem;
import io.hal9.migrate.tools.ToolCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Lints HAL9 config files (YAML and Kubernetes manifests, JSON, .properties, .env) for the mistakes HAL9's
 * operations report found: placeholder secrets, settings that differ between files, requests above limits,
 * replicas outside their HPA, a ServiceMonitor with the wrong apiVersion. Used by {@code config lint} and by
 * the {@code health} command's config check.
 */
public final class ConfigLint {
  private static final Comparator<Finding> ORDER = Comparator.comparing((Finding f) -> f.file().toString())
      .thenComparingInt(Finding::line)
      .thenComparing(Finding::rule)
      .thenComparing(Finding::message);

  private final List<ConfigRule> rules;

  private ConfigLint(List<ConfigRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** Every rule. */
  public static ConfigLint standard() {
    return new ConfigLint(List.of(new PlaceholderSecretRule(), new PlaceholderValueRule(), new InconsistentSettingRule(),
        new RequestsAboveLimitsRule(), new ReplicasOutsideHpaRule(), new ServiceMonitorApiVersionRule(), new JobSpecRule()));
  }

  /**
   * The findings over the files and directories {@code paths}, sorted by file then line.
   *
   * @throws Hal9MigrateException {@link ErrorCode#CONFIG_UNREADABLE} (exit 2) when a path is missing or a file
   *     does not parse, with one {@code file:line: problem} detail each; nothing is linted then
   */
  public List<Finding> lint(List<Path> paths) throws IOException {
    List<PlanProblem> problems = new ArrayList<>();
    List<ConfigDocument> documents = new ArrayList<>();
    for (Path file : ConfigFiles.expand(paths, problems)) {
      documents.addAll(ConfigFiles.readerFor(file).read(file, problems));
    }
    if (!problems.isEmpty()) {
      List<String> lines = problems.stream().map(PlanProblem::toString).toList();
      String message = lines.size() == 1 ? lines.get(0) : "cannot lint (" + lines.size() + " problems)";
      throw new Hal9MigrateException(ToolCode.CONFIG_UNREADABLE, message, lines, null);
    }
    List<Finding> findings = new ArrayList<>();
    rules.forEach(rule -> rule.check(documents, findings));
    findings.sort(ORDER);
    return List.copyOf(findings);
  }
}
