package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.engine.api.Status;
import io.hal9.migrate.engine.api.StepState;
import io.hal9.migrate.tools.monitoring.StatusDocument;
import io.hal9.migrate.tools.rollout.BakeProgress;
import io.hal9.migrate.tools.rollout.ClusterView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "rollout", description = "HAL9's phased rollout: where it stands, or back to the previous phase now.",
    subcommands = {RolloutCommand.RolloutStatus.class, RolloutCommand.Abort.class})
final class RolloutCommand implements Runnable {
  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand (status, abort)");
  }

  @Command(name = "status", description = "The phase, traffic and flags, and each rollout step: its state, the bake"
      + " baked and left, and its gates' and triggers' last readings.")
  static final class RolloutStatus extends EngineCommand {
    @picocli.CommandLine.Mixin ClusterOption cluster;

    @Override
    Map<String, Object> execute(Hal9Migrate hal9) {
      Routing routing = hal9.routing();
      FlagsCommand.print(out, routing);
      ClusterView view = cluster.read();
      if (view != null) {
        out.line(view.describe() + (view.holds(routing) ? " (as the table says)" : " (NOT what the table says)"));
      }
      List<Map<String, Object>> steps = new ArrayList<>();
      for (Status.VersionStatus version : hal9.status().versions()) {
        for (Status.StepStatus step : version.steps()) {
          if (step.type().equals("rollout")) {
            steps.add(step(version.version(), step));
          }
        }
      }
      Map<String, Object> fields = StatusDocument.of(routing);
      if (view != null) {
        Map<String, Object> held = new LinkedHashMap<>();
        held.put("description", view.describe());
        held.put("matchesTable", view.holds(routing));
        fields.put("cluster", held);
      }
      fields.put("steps", steps);
      return fields;
    }

    private Map<String, Object> step(String version, Status.StepStatus step) {
      BakeProgress bake = BakeProgress.of(step.counters(), step.expected());
      out.line(String.format("V%s %-20s %-8s baked %d of %d s%s", version, step.id(), step.state().label(), bake.bakedSeconds(),
          bake.bakeSeconds(), step.state() == StepState.RUNNING ? " (" + bake.leftSeconds() + " s left)" : ""));
      bake.readings().forEach(reading -> out.line("    " + reading));
      if (step.error() != null) {
        out.line("    " + step.error());
      }
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("version", version);
      fields.put("id", step.id());
      fields.put("state", step.state().label());
      fields.put("bakedSeconds", bake.bakedSeconds());
      fields.put("bakeSeconds", bake.bakeSeconds());
      fields.put("readings", bake.readings());
      fields.put("error", step.error());
      return fields;
    }
  }

  @Command(name = "abort", description = "Ask the running rollout step to put the previous phase's traffic and flags back"
      + " now; it does so within a second and stops the run (exit 5).")
  static final class Abort extends EngineCommand {
    @Override
    Map<String, Object> execute(Hal9Migrate hal9) {
      Status status = hal9.status();
      Optional<Status.StepStatus> running = status.versions().stream().flatMap(v -> v.steps().stream())
          .filter(s -> s.type().equals("rollout") && s.state() == StepState.RUNNING).findFirst();
      if (running.isEmpty() || status.lock().isEmpty()) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "no rollout step is running; 'hal9-migrate rollback --to V' puts an"
            + " earlier phase's traffic and flags back");
      }
      hal9.abortRollout();
      out.line("Abort requested: step " + running.get().id() + " puts the previous phase back within a second and stops the run.");
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("step", running.get().id());
      fields.put("requested", true);
      return fields;
    }
  }
}
