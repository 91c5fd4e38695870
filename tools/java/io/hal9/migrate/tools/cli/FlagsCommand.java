package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9Migrate;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Routing;
import io.hal9.migrate.engine.api.RoutingChange;
import io.hal9.migrate.tools.monitoring.StatusDocument;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "flags", description = "HAL9's feature flags as the target database holds them, with their history.",
    subcommands = {FlagsCommand.ListFlags.class, FlagsCommand.SetFlag.class, FlagsCommand.ClearFlag.class})
final class FlagsCommand implements Runnable {
  private static final String NAME = "[a-z][a-z0-9_]{0,99}";
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing subcommand (list, set, clear)");
  }

  @Command(name = "list", description = "The phase, the traffic split and every flag, then the newest changes of them.")
  static final class ListFlags extends EngineCommand {
    @Option(names = "--history", paramLabel = "N", defaultValue = "20", description = "Show the newest N changes (default 20; 0: none).")
    int history;

    @Override
    Map<String, Object> execute(Hal9Migrate hal9) {
      if (history < 0) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "--history " + history + ": expected 0 or more");
      }
      Routing routing = hal9.routing();
      print(out, routing);
      List<RoutingChange> changes = history == 0 ? List.of() : hal9.routingHistory(history);
      if (!changes.isEmpty()) {
        out.line("Changes:");
      }
      for (RoutingChange c : changes) {
        out.line(String.format("  %s  %-28s %-22s -> %-22s by %s%s  %s", SECONDS.format(c.at()), c.subject(),
            c.from() == null ? "unset" : c.from(), c.to(), c.by(), c.step() == null ? "" : " (step " + c.step() + ")",
            c.reason() == null ? "" : c.reason()));
      }
      Map<String, Object> fields = StatusDocument.of(routing);
      fields.put("history", changes);
      return fields;
    }
  }

  @Command(name = "set", description = "Set a flag to a share of requests (0..100) now, with a line in its history.")
  static final class SetFlag extends EngineCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1", paramLabel = "PERCENT")
    int percent;

    @picocli.CommandLine.Mixin ClusterOption cluster;

    @Override
    Map<String, Object> execute(Hal9Migrate hal9) {
      if (percent < 0 || percent > 100) {
        throw new Hal9MigrateException(ErrorCode.USAGE, "flags set " + name + " " + percent + ": expected a percent from 0 to 100");
      }
      return change(hal9, out, cluster, name, percent, "flags set " + name + " " + percent);
    }
  }

  @Command(name = "clear", description = "Turn a flag off (0%), with a line in its history.")
  static final class ClearFlag extends EngineCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @picocli.CommandLine.Mixin ClusterOption cluster;

    @Override
    Map<String, Object> execute(Hal9Migrate hal9) {
      return change(hal9, out, cluster, name, 0, "flags clear " + name);
    }
  }

  /** The cluster first: a publish refused leaves the table as it was, and the cluster as it was (publish is all or the old). */
  private static Map<String, Object> change(Hal9Migrate hal9, Output out, ClusterOption cluster, String name, int percent,
      String reason) {
    if (!name.matches(NAME)) {
      throw new Hal9MigrateException(ErrorCode.USAGE, "flag '" + name + "': expected a name of lower-case letters, digits and '_'");
    }
    Routing before = hal9.routing();
    Routing target = before.withFlag(name, percent);
    cluster.publish(target, before, retry -> out.line("retrying: " + retry));
    List<String> changes = hal9.route(target, reason);
    out.line(changes.isEmpty() ? "No change: " + name + " is " + describe(Routing.Flag.at(percent)) + " already." : String.join("\n", changes));
    Map<String, Object> fields = StatusDocument.of(hal9.routing());
    fields.put("changes", changes);
    return fields;
  }

  static void print(Output out, Routing routing) {
    out.line("Phase: " + (routing.phase() == null ? "none" : routing.phase()) + "; traffic: hierarchical "
        + routing.hierarchicalPercent() + "%, flat " + routing.flatPercent() + "%" + (routing.mirrored() ? ", all of it mirrored to hierarchical" : ""));
    if (routing.flags().isEmpty()) {
      out.line("No flags set.");
    }
    routing.flags().forEach((name, flag) -> out.line(String.format("  %-28s %s", name, describe(flag))));
  }

  private static String describe(Routing.Flag flag) {
    return (flag.enabled() ? "on" : "off") + " " + flag.percentage() + "%";
  }
}
