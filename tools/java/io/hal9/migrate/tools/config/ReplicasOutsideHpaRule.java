package io.hal9.migrate.tools.config;

import java.util.List;

/**
 * {@code replicas-outside-hpa}: a workload whose {@code spec.replicas} is outside the min..max of the
 * HorizontalPodAutoscaler that scales it ({@code scaleTargetRef}, same kind and name, same namespace when both
 * say one), in whatever files the two are. The HPA would scale it straight back, so the number is a mistake.
 */
final class ReplicasOutsideHpaRule implements ConfigRule {
  static final String NAME = "replicas-outside-hpa";

  @Override
  public void check(List<ConfigDocument> documents, List<Finding> findings) {
    List<ConfigDocument> autoscalers = documents.stream().filter(d -> d.kind().equals("HorizontalPodAutoscaler")).toList();
    for (ConfigDocument workload : documents) {
      if (!workload.isWorkload() || !workload.at("/spec/replicas").canConvertToInt()) {
        continue;
      }
      int replicas = workload.at("/spec/replicas").asInt();
      for (ConfigDocument hpa : autoscalers) {
        if (!scales(hpa, workload) || !hpa.at("/spec/maxReplicas").canConvertToInt()) {
          continue;
        }
        int min = hpa.at("/spec/minReplicas").asInt(1); // the API's default
        int max = hpa.at("/spec/maxReplicas").asInt();
        if (replicas < min || replicas > max) {
          int bound = hpa.line(replicas < min ? "/spec/minReplicas" : "/spec/maxReplicas");
          findings.add(new Finding(workload.file(), workload.line("/spec/replicas"), Severity.ERROR, NAME,
              workload.kind() + " " + workload.name() + " has " + replicas + " replicas, outside " + min + ".." + max
              + " of HorizontalPodAutoscaler " + hpa.name() + " (" + Places.of(workload.file(), hpa.file(), bound) + ")"));
        }
      }
    }
  }

  private static boolean scales(ConfigDocument hpa, ConfigDocument workload) {
    boolean sameNamespace = hpa.namespace().isEmpty() || workload.namespace().isEmpty()
        || hpa.namespace().equals(workload.namespace());
    return sameNamespace
        && hpa.at("/spec/scaleTargetRef/kind").asText().equals(workload.kind())
        && hpa.at("/spec/scaleTargetRef/name").asText().equals(workload.name());
  }
}
