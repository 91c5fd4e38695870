package io.hal9.migrate.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real headless Chromium (Debian package chromium) run as a child process on one page: its DOM after the page's
 * scripts ran, or a screenshot. Where it is missing the test is skipped, unless HAL9_REQUIRE_CHROMIUM is set (CI):
 * then it fails. It reaches nothing but 127.0.0.1: every other host resolves to nothing.
 */
public final class Chromium {
  private static final List<Path> BINARIES = List.of(Path.of("/usr/bin/chromium"), Path.of("/usr/bin/chromium-browser"));
  /** The page's refresh unless the dashboard is given {@code --refresh}. */
  private static final Duration DEFAULT_REFRESH = Duration.ofSeconds(2);

  private final Path executable;
  private final Path dir;
  /** Virtual time the page gets before the dump: its first poll of the API, and one refresh. */
  private final long virtualMillis;

  private Chromium(Path executable, Path dir, long virtualMillis) {
    this.executable = executable;
    this.dir = dir;
    this.virtualMillis = virtualMillis;
  }

  /** Chromium with its profiles and logs in {@code dir}, on a page that refreshes as the dashboard's default. */
  public static Chromium in(Path dir) {
    return in(dir, DEFAULT_REFRESH);
  }

  /**
   * Chromium on a page that refreshes every {@code refresh} (the dashboard's {@code --refresh}): the page is dumped
   * after its first poll and one refresh, half a refresh later. Each poll waits for the API in real time.
   */
  public static Chromium in(Path dir, Duration refresh) {
    Path executable = BINARIES.stream().filter(Files::isExecutable).findFirst().orElse(null);
    if (executable == null) {
      String missing = "chromium is not installed (Debian package chromium; looked for " + BINARIES + ")";
      if (System.getenv("HAL9_REQUIRE_CHROMIUM") != null) {
        throw new IllegalStateException("HAL9_REQUIRE_CHROMIUM is set but " + missing);
      }
      Assumptions.abort(missing);
    }
    return new Chromium(executable, dir, refresh.toMillis() * 3 / 2);
  }

  /** The page's DOM, serialised, once its scripts have run. */
  public String dom(String url) throws IOException, InterruptedException {
    String dom = run(url, "--dump-dom");
    if (dom.isBlank()) {
      throw new IllegalStateException("chromium dumped no DOM of " + url + " (the page did not load)");
    }
    return dom;
  }

  /** A 1280x1600 PNG of the page at {@code png}. */
  public Path screenshot(String url, Path png) throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    run(url, "--screenshot=" + png.toAbsolutePath(), "--window-size=1280,1600", "--hide-scrollbars");
    if (!Files.exists(png)) {
      throw new IllegalStateException("chromium wrote no screenshot of " + url);
    }
    return png;
  }

  private String run(String url, String... what) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path profile = Files.createTempDirectory(dir, "chromium-profile-");
    Path out = Files.createTempFile(dir, "chromium-", ".out");
    Path log = Files.createTempFile(dir, "chromium-", ".log");
    List<String> command = new ArrayList<>(List.of(executable.toString(), "--headless=new", "--no-sandbox", "--disable-gpu",
        "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--virtual-time-budget=" + virtualMillis));
    command.addAll(List.of(what));
    command.add(url);
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
        .redirectError(log.toFile()).start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("chromium did not finish with " + url + " within 60 s:\n" + Files.readString(log));
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("chromium exited " + process.exitValue() + " on " + url + ":\n" + Files.readString(log));
    }
    return Files.readString(out);
  }
}
