package io.hal9.migrate.tools.health;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One check's outcome: what was checked ({@code disk /var/lib/postgresql}), the figures measured, the limits
 * they were held to, and one line saying why it passed or failed.
 */
public record CheckResult(String check, String subject, CheckStatus status, String message, Map<String, Object> measured,
    Map<String, Object> limits) {

  /** {@code disk /var/lib/postgresql}, or just {@code database}. */
  public String name() {
    return subject == null || subject.isEmpty() ? check : check + " " + subject;
  }

  /** The stable JSON shape, also what a health step records in its checkpoint. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("check", check);
    map.put("subject", subject);
    map.put("status", status.label());
    map.put("message", message);
    map.put("measured", measured);
    map.put("limits", limits);
    return map;
  }
}
