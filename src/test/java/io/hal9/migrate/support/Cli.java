package io.hal9.migrate.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.tools.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The CLI run in-process against one database and plan directory, its output captured. */
public final class Cli {
  /** A server address nothing answers on: a command that tried to connect would fail with DB_UNREACHABLE. */
  private static final String NO_DATABASE = "jdbc:postgresql://127.0.0.1:9/nowhere?connectTimeout=2";

  private final String url;
  private final Path plans;
  private final Map<String, String> env = new HashMap<>();

  /** A null database for commands that are given exactly their arguments ({@link #raw}). */
  public Cli(TestDatabase database, Path plans) {
    this(database == null ? null : database.url(), plans);
  }

  private Cli(String url, Path plans) {
    this.url = url;
    this.plans = plans;
  }

  /** The CLI pointed at no database at all, for what must never connect. */
  public static Cli withoutDatabase(Path plans) {
    return new Cli(NO_DATABASE, plans);
  }

  /** Runs {@code hal9-migrate ARGS --url DB --plans DIR}. */
  public Result run(String... args) {
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(List.of("--url", url, "--plans", plans.toString()));
    return raw(line.toArray(String[]::new));
  }

  /** Runs exactly the given arguments (no --url or --plans added). */
  public Result raw(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = Main.execute(args, env, o, e, false);
    }
    return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  public Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** Exit code, standard output and standard error of one command. */
  public record Result(int exit, String out, String err) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (java.io.IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }

    /** The {@code details} of the JSON error document (one per problem), for a command run with --json. */
    public List<String> details() {
      List<String> details = new ArrayList<>();
      json().at("/error/details").forEach(d -> details.add(d.asText()));
      return details;
    }

    /** Error lines printed for the user (stderr without log lines). */
    public List<String> errors() {
      return err.lines().filter(l -> l.startsWith("hal9-migrate: error: ")).map(l -> l.substring("hal9-migrate: error: ".length())).toList();
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }
}
