package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.Hal9Migrate;
import io.hal9.migrate.engine.Status;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "validate", description = "Check the plans, and that no applied step changed since it was applied.")
final class ValidateCommand extends EngineCommand {

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    Status status = hal9.validate();
    int steps = status.versions().stream().mapToInt(v -> v.steps().size()).sum();
    out.line("Valid: " + status.versions().size() + " version(s), " + steps + " step(s); applied steps match the plans.");
    return StatusCommand.document(status);
  }
}
