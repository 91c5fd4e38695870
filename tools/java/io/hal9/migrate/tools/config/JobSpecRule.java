package io.hal9.migrate.tools.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * {@code job-spec}: a Job (or a CronJob's job template) the API server refuses for how its fields combine: an
 * Indexed Job (as tools/k8s/workers.yaml runs its workers) without {@code completions}, per-index limits
 * ({@code backoffLimitPerIndex}, {@code maxFailedIndexes}) on a Job that is not Indexed, a {@code podFailurePolicy}
 * with a pod template whose {@code restartPolicy} is not {@code Never}.
 */
final class JobSpecRule implements ConfigRule {
  static final String NAME = "job-spec";

  @Override
  public void check(List<ConfigDocument> documents, List<Finding> findings) {
    for (ConfigDocument document : documents) {
      if (document.kind().equals("Job")) {
        check(document, "/spec", findings);
      } else if (document.kind().equals("CronJob")) {
        check(document, "/spec/jobTemplate/spec", findings);
      }
    }
  }

  private static void check(ConfigDocument document, String spec, List<Finding> findings) {
    JsonNode job = document.at(spec);
    String what = document.kind() + " " + document.name();
    boolean indexed = job.path("completionMode").asText().equals("Indexed");
    if (indexed && !job.path("completions").canConvertToInt()) {
      findings.add(finding(document, spec + "/completionMode", what + " is Indexed without completions (one index a completion)"));
    }
    for (String perIndex : List.of("backoffLimitPerIndex", "maxFailedIndexes")) {
      if (!indexed && job.has(perIndex)) {
        findings.add(finding(document, spec + "/" + perIndex, what + " sets " + perIndex + " but is not completionMode: Indexed"));
      }
    }
    String restart = job.path("template").path("spec").path("restartPolicy").asText("");
    if (job.has("podFailurePolicy") && !restart.equals("Never")) {
      findings.add(finding(document, spec + "/podFailurePolicy", what + " has a podFailurePolicy but restartPolicy '"
          + (restart.isEmpty() ? "(none)" : restart) + "'; it needs Never"));
    }
  }

  private static Finding finding(ConfigDocument document, String pointer, String message) {
    return new Finding(document.file(), document.line(pointer), Severity.ERROR, NAME, message);
  }
}
