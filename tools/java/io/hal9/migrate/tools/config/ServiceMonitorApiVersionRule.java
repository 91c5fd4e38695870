package io.hal9.migrate.tools.config;

import java.util.List;

/**
 * {@code servicemonitor-apiversion}: a ServiceMonitor is a Prometheus Operator resource, served only as
 * {@code monitoring.coreos.com/v1}; HAL9 once shipped one as {@code v1}, which no cluster accepts.
 */
final class ServiceMonitorApiVersionRule implements ConfigRule {
  static final String NAME = "servicemonitor-apiversion";
  static final String API_VERSION = "monitoring.coreos.com/v1";

  @Override
  public void check(List<ConfigDocument> documents, List<Finding> findings) {
    for (ConfigDocument document : documents) {
      String apiVersion = document.at("/apiVersion").asText();
      if (document.kind().equals("ServiceMonitor") && !apiVersion.equals(API_VERSION)) {
        findings.add(new Finding(document.file(), document.line("/apiVersion"), Severity.ERROR, NAME,
            "ServiceMonitor " + document.name() + " has apiVersion '" + apiVersion + "'; expected " + API_VERSION));
      }
    }
  }
}
