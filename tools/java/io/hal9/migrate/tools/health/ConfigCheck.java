package io.hal9.migrate.tools.health;

import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.tools.config.ConfigLint;
import io.hal9.migrate.tools.config.Finding;
import io.hal9.migrate.tools.config.Severity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code config lint} over {@code paths} as a check: an error-level finding fails it, warnings only warn. */
final class ConfigCheck implements HealthCheck {
  private static final int SHOWN = 3;

  private final List<Path> paths;

  ConfigCheck(CheckEntry entry) {
    paths = entry.paths("paths");
  }

  @Override
  public String kind() {
    return "config";
  }

  @Override
  public CheckResult run(HealthTarget target) {
    String subject = String.join(" ", paths.stream().map(Path::toString).toList());
    Map<String, Object> limits = Measures.of("maxErrors", 0);
    List<Finding> findings;
    try {
      findings = ConfigLint.standard().lint(paths);
    } catch (IOException | Hal9MigrateException e) {
      return new CheckResult(kind(), subject, CheckStatus.FAILED, "cannot lint: " + e.getMessage(), Measures.of(), limits);
    }
    List<String> errors = findings.stream().filter(f -> f.severity() == Severity.ERROR).map(Finding::toString).toList();
    List<String> warnings = findings.stream().filter(f -> f.severity() == Severity.WARNING).map(Finding::toString).toList();
    Map<String, Object> measured = Measures.of("errors", errors.size(), "warnings", warnings.size(),
        "findings", findings.stream().map(Finding::toString).toList());
    if (!errors.isEmpty()) {
      String shown = String.join("; ", errors.subList(0, Math.min(SHOWN, errors.size())))
          + (errors.size() > SHOWN ? "; and " + (errors.size() - SHOWN) + " more" : "");
      return new CheckResult(kind(), subject, CheckStatus.FAILED, errors.size() + " error finding" + (errors.size() == 1 ? "" : "s")
          + " > max 0: " + shown, measured, limits);
    }
    CheckStatus status = warnings.isEmpty() ? CheckStatus.OK : CheckStatus.WARNING;
    return new CheckResult(kind(), subject, status, "0 errors, " + warnings.size() + " warning" + (warnings.size() == 1 ? "" : "s"),
        measured, limits);
  }
}
