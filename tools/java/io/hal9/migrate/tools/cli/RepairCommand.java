package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.RepairResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "repair", description = "Realign the database's record with the plans.")
final class RepairCommand extends EngineCommand {
  @Option(names = "--accept-changed", description = "Accept edited steps: store their new checksums.")
  boolean acceptChanged;

  @Option(names = "--forget-missing", description = "Forget applied steps that are no longer in the plans.")
  boolean forgetMissing;

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    RepairResult result = hal9.repair(acceptChanged, forgetMissing);
    result.accepted().forEach(id -> out.line("accepted the new definition of step '" + id + "'"));
    result.forgotten().forEach(id -> out.line("forgot step '" + id + "'"));
    List<String> remaining = new ArrayList<>();
    result.changedLeft().forEach(id -> remaining.add(Hints.changedLeft(id)));
    result.missingLeft().forEach(id -> remaining.add(Hints.missingLeft(id)));
    remaining.forEach(problem -> out.line("left alone: " + problem));
    if (result.accepted().isEmpty() && result.forgotten().isEmpty() && remaining.isEmpty()) {
      out.line("Nothing to repair: the database agrees with the plans.");
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("accepted", result.accepted());
    fields.put("forgotten", result.forgotten());
    fields.put("remaining", remaining);
    return fields;
  }
}
