package io.hal9.migrate.tools.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * {@code requests-above-limits}: a container (or init container) of any Kubernetes object whose resource
 * request is above its limit, which the API server refuses. Quantities are compared by fabric8's
 * {@link Quantity} ({@code 1500m} = {@code 1.5}, {@code 6Gi} &gt; {@code 6G}); one it cannot read is left to
 * the API server.
 */
final class RequestsAboveLimitsRule implements ConfigRule {
  static final String NAME = "requests-above-limits";

  @Override
  public void check(List<ConfigDocument> documents, List<Finding> findings) {
    for (ConfigDocument document : documents) {
      if (document.isKubernetes()) {
        walk(document, document.at(""), "", findings);
      }
    }
  }

  /** Pod specs sit at different depths (Pod, Deployment, CronJob): every containers list is checked. */
  private static void walk(ConfigDocument document, JsonNode node, String pointer, List<Finding> findings) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String child = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
        if ((field.getKey().equals("containers") || field.getKey().equals("initContainers")) && field.getValue().isArray()) {
          for (int i = 0; i < field.getValue().size(); i++) {
            container(document, field.getValue().get(i), child + "/" + i, findings);
          }
        } else {
          walk(document, field.getValue(), child, findings);
        }
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        walk(document, node.get(i), pointer + "/" + i, findings);
      }
    }
  }

  private static void container(ConfigDocument document, JsonNode container, String pointer, List<Finding> findings) {
    JsonNode requests = container.path("resources").path("requests");
    JsonNode limits = container.path("resources").path("limits");
    for (Map.Entry<String, JsonNode> request : requests.properties()) {
      JsonNode limit = limits.get(request.getKey());
      if (limit == null || !request.getValue().isValueNode() || !limit.isValueNode()) {
        continue;
      }
      Integer above = compare(request.getValue().asText(), limit.asText());
      if (above != null && above > 0) {
        findings.add(new Finding(document.file(), document.line(pointer + "/resources/requests/" + request.getKey()),
            Severity.ERROR, NAME, "container '" + container.path("name").asText("#" + pointer.substring(pointer.lastIndexOf('/') + 1))
            + "' of " + document.kind() + " " + document.name() + " requests " + request.getValue().asText() + " "
            + request.getKey() + ", above its limit " + limit.asText()));
      }
    }
  }

  private static Integer compare(String request, String limit) {
    try {
      return Quantity.parse(request).compareTo(Quantity.parse(limit));
    } catch (IllegalArgumentException | ArithmeticException e) {
      return null;
    }
  }
}
