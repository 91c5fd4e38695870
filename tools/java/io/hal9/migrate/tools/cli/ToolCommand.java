package io.hal9.migrate.tools.cli;

import io.hal9.migrate.engine.api.Hal9MigrateException;
import io.hal9.migrate.engine.api.Secrets;
import io.hal9.migrate.tools.ToolCode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command with the global options, text or {@code --json} output, and failures mapped to the documented exit
 * codes. Subcommands of a command group (such as {@code config lint}) find {@link Main} through their parents.
 */
abstract class ToolCommand implements Callable<Integer> {
  @Mixin GlobalOptions own;
  @Spec CommandSpec spec;

  GlobalOptions options;
  Output out;
  Main main;

  /** Does the work; returns the fields of the JSON document. */
  abstract Map<String, Object> execute() throws Exception;

  /** The exit code of a failure (a stop by signal maps to 128 + its number). */
  int exitCode(Hal9MigrateException e) {
    return ExitCodes.of(e.code());
  }

  @Override
  public Integer call() {
    main = main(spec);
    options = own.over(main.global, main.env);
    out = new Output(options.json, main.out, main.err);
    String command = spec.qualifiedName(" ").substring(spec.root().name().length()).trim();
    try {
      out.success(command, execute());
      return 0;
    } catch (Hal9MigrateException e) {
      Map<String, Object> fields = e instanceof CheckFailed failed ? failed.fields() : Map.of();
      return out.failure(command, redacted(Hints.added(e)), exitCode(e), fields);
    } catch (Exception e) {
      String message = e.getClass().getSimpleName() + ": " + e.getMessage();
      return out.failure(command, redacted(new Hal9MigrateException(ToolCode.INTERNAL, message, e)), ExitCodes.of(ToolCode.INTERNAL));
    }
  }

  private static Main main(CommandSpec spec) {
    CommandSpec root = spec;
    while (root.parent() != null) {
      root = root.parent();
    }
    return (Main) root.userObject();
  }

  /** The field, not {@code password()}: what was given or read; redacting never reads a file (it may be what failed). */
  private Hal9MigrateException redacted(Hal9MigrateException e) {
    String message = Secrets.redact(e.getMessage(), options.password);
    return new Hal9MigrateException(e.code(), message,
        e.details().stream().map(d -> Secrets.redact(d, options.password)).toList(), e);
  }
}
