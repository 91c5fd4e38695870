package io.hal9.migrate.support;

import io.hal9.migrate.tools.cli.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CLI as a real child process (its own JVM), for tests that kill it, stop it or race two of them. It
 * logs progress after every committed batch, which the test reads to choose when to strike.
 */
public final class CliProcess {
  private static final Pattern PROGRESS = Pattern.compile(" ([\\w.-]+): (\\d+)(/\\d+)? rows");

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private CliProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code hal9-migrate ARGS} in {@code workDir}; output goes to files there. */
  public static CliProcess start(Path workDir, String... args) {
    try {
      Files.createDirectories(workDir);
      Path out = Files.createTempFile(workDir, "cli-", ".out");
      Path err = Files.createTempFile(workDir, "cli-", ".err");
      List<String> command = new ArrayList<>(List.of(
          Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
          "-Dorg.jooq.no-logo=true", "-Dorg.jooq.no-tips=true",
          "-cp", System.getProperty("java.class.path"),
          Main.class.getName()));
      command.addAll(List.of(args));
      ProcessBuilder builder = new ProcessBuilder(command)
          .directory(Path.of("").toAbsolutePath().toFile())
          .redirectOutput(out.toFile())
          .redirectError(err.toFile());
      builder.environment().remove("HAL9_DB_URL");
      builder.environment().remove("HAL9_PLANS");
      return new CliProcess(builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** Rows the last progress line reported (0 before the first). */
  public long reportedRows() {
    long rows = 0;
    Matcher m = PROGRESS.matcher(stderr());
    while (m.find()) {
      rows = Long.parseLong(m.group(2));
    }
    return rows;
  }

  /** Waits until the process reported at least {@code rows} committed rows. */
  public void awaitRows(long rows, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (reportedRows() < rows) {
      if (!process.isAlive()) {
        throw new AssertionError("the CLI ended (exit " + process.exitValue() + ") before " + rows + " rows:\n" + this);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + rows + " rows within " + timeout + ":\n" + this);
      }
      Thread.sleep(20);
    }
  }

  /** SIGKILL: no shutdown hook, no last checkpoint, nothing. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM. */
  public void terminate() {
    process.destroy();
  }

  public void signal(String name) throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start().waitFor();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the CLI did not end within " + timeout + ":\n" + this);
    }
    return process.exitValue();
  }

  public String stdout() {
    return read(stdout);
  }

  public String stderr() {
    return read(stderr);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    String err = stderr();
    return "--- stdout\n" + stdout() + "--- stderr (tail)\n" + err.substring(Math.max(0, err.length() - 4000));
  }
}
