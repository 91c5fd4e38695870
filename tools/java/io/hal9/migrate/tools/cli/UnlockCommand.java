package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.LockInfo;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

@Command(name = "unlock", description = "Release the run lock by hand (its holder, if alive, can commit nothing more).")
final class UnlockCommand extends EngineCommand {

  @Override
  Map<String, Object> execute(Hal9Migrate hal9) {
    Optional<LockInfo> released = hal9.unlock();
    out.line(released.map(h -> "Released the lock held by " + h.describe()).orElse("The lock was free."));
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("released", released.isPresent());
    fields.put("holder", released.map(h -> Map.of("host", h.host(), "pid", h.pid(), "since", h.since())).orElse(null));
    return fields;
  }
}
