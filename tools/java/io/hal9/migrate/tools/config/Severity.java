package io.hal9.migrate.tools.config;

/** How bad a finding is: any {@link #ERROR} fails {@code config lint} (exit 5); warnings only inform. */
public enum Severity {
  ERROR,
  WARNING
}
