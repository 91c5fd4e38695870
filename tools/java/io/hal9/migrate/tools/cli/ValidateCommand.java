package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.tools.monitoring.StatusDocument;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "validate", description = "Check the plans, and that no applied step changed since it was applied.")
final class ValidateCommand extends EngineCommand {
  @Option(names = "--database", description = "Also check the pending steps against the database's tables and columns,"
      + " as 'run' does before its first write (reads only).")
  boolean database;

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    List<String> later = database ? hal9.validateDatabase() : List.of();
    Status status = hal9.validate();
    int steps = status.versions().stream().mapToInt(v -> v.steps().size()).sum();
    out.line("Valid: " + status.versions().size() + " version(s), " + steps + " step(s); applied steps match the plans"
        + (database ? "; pending steps fit the database" : "") + ".");
    if (!later.isEmpty()) {
      out.line("Checked when they run (an earlier pending step may change the schema): " + String.join(", ", later) + ".");
    }
    Map<String, Object> fields = StatusDocument.of(status);
    if (database) {
      fields.put("checkedWhenRun", later);
    }
    return fields;
  }
}
