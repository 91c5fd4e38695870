package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.ErrorCode;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

/** {@code hal9-migrate [options] COMMAND}: a thin layer over {@link io.hal9.migrate.engine.api.Hal9Migrate}. */
@Command(
    name = "hal9-migrate",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Checkpointed, resumable migrations for HAL9 deployments.",
    subcommands = {
      RunCommand.class,
      WorkerCommand.class,
      StatusCommand.class,
      HistoryCommand.class,
      ValidateCommand.class,
      RollbackCommand.class,
      RepairCommand.class,
      UnlockCommand.class,
      PauseCommand.class,
      ResumeCommand.class,
      EventsCommand.class,
      DashboardCommand.class,
      FlagsCommand.class,
      RolloutCommand.class,
      BenchCommand.class,
      HealthCommand.class,
      PrecheckCommand.class,
      ConfigCommand.class,
      ScaleCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:ok",
      "1:a step failed (checkpoint kept, rerun resumes)",
      "2:bad input (usage, plan, URL, cannot connect)",
      "3:lock held by a live run, or lost to another runner",
      "4:an applied step changed, history disagrees with the plans, or a rollback was interrupted (finish it first)",
      "5:a check failed (health, config lint, node capacity, rollout readiness)",
      "130/143:stopped by SIGINT/SIGTERM (checkpoint saved)"
    })
public final class Main implements Runnable {
  @Mixin GlobalOptions global;

  final Map<String, String> env;
  final PrintStream out;
  final PrintStream err;
  final boolean handleSignals;

  private Main(Map<String, String> env, PrintStream out, PrintStream err, boolean handleSignals) {
    this.env = env;
    this.out = out;
    this.err = err;
    this.handleSignals = handleSignals;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this), "missing command (try 'hal9-migrate help')");
  }

  public static void main(String[] args) {
    System.exit(execute(args, System.getenv(), System.out, System.err, true));
  }

  /**
   * Runs one command line and returns its exit code.
   *
   * @param handleSignals whether SIGINT/SIGTERM stop a run at a batch boundary (the process's own choice)
   */
  public static int execute(String[] args, Map<String, String> env, PrintStream out, PrintStream err, boolean handleSignals) {
    Main main = new Main(env, out, err, handleSignals);
    CommandLine cli = new CommandLine(main);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setParameterExceptionHandler((e, arguments) -> main.usageError(e, arguments));
    return cli.execute(args);
  }

  /** Usage mistakes are exit 2 with one line; with --json anywhere on the line, a JSON document. */
  private int usageError(CommandLine.ParameterException e, String[] arguments) {
    boolean json = Arrays.asList(arguments).contains("--json");
    String command = e.getCommandLine().getCommandName();
    Hal9MigrateException error = new Hal9MigrateException(ErrorCode.USAGE, e.getMessage());
    return new Output(json, out, err).failure(command, error, ExitCodes.of(ErrorCode.USAGE));
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"hal9-migrate " + (version == null ? "dev" : version)};
    }
  }
}
