package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.FailureCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import java.util.List;
import java.util.Map;

/**
 * A check that ran and failed, such as {@code config lint} with errors: a failure (its exit code, the
 * {@code error} object) that still has a result, whose fields the JSON document carries next to {@code error}.
 */
final class CheckFailed extends Hal9MigrateException {
  private final transient Map<String, Object> fields;

  CheckFailed(FailureCode code, String message, List<String> details, Map<String, Object> fields) {
    super(code, message, details, null);
    this.fields = fields;
  }

  Map<String, Object> fields() {
    return fields;
  }
}
