package io.hal9.migrate.engine.internal.database;

import io.hal9.migrate.engine.api.DataSources;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serialises the start of hal9-migrate processes on one embedded H2 file, with an OS lock on a file beside it.
 *
 * <p>Whichever process opens an embedded H2 file first serves it to the others (auto-server mode), and its exit
 * breaks their connections. Two runs started together could thus end badly: the one refused the run lock
 * (exit 3) may be the one serving the file, and its exit kills the winner's batch; or the second opener waits
 * out H2's lock-file protocol (it is not made for simultaneous opens) until the first has finished. So a
 * process holds this lock from before its first connection until it has taken, or been refused, the run lock
 * (commands that take no run lock: until they end). The runner is then the process serving the file, and
 * every other one is its client.
 */
public final class H2Startup implements AutoCloseable {
  public static final H2Startup NONE = new H2Startup(null, null);
  private static final Logger log = LoggerFactory.getLogger(H2Startup.class);
  /** A holder holds it for seconds; past this (e.g. a stopped process), go on without it. */
  private static final Duration MAX_WAIT = Duration.ofSeconds(30);

  private final FileChannel channel;
  private FileLock lock;

  private H2Startup(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the start lock of the embedded H2 file {@code url} names; {@link #NONE} for any other URL. */
  public static H2Startup acquire(String url) {
    Path database = embeddedFile(url);
    if (database == null) {
      return NONE;
    }
    FileChannel channel = null;
    try {
      Path file = database.resolveSibling(database.getFileName() + ".hal9-start.lock");
      Files.createDirectories(file.toAbsolutePath().getParent());
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + MAX_WAIT.toNanos();
      while (true) {
        FileLock lock = tryLock(channel);
        if (lock != null) {
          return new H2Startup(channel, lock);
        }
        if (System.nanoTime() > deadline) {
          log.warn("another hal9-migrate process has been starting on {} for {} s; going on without waiting",
              database, MAX_WAIT.toSeconds());
          channel.close();
          return NONE;
        }
        Thread.sleep(50);
      }
    } catch (IOException e) {
      log.debug("no start lock for {}: {}", database, e.getMessage());
      closeQuietly(channel);
      return NONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(channel);
      return NONE;
    }
  }

  /** Releases the lock; later calls do nothing. */
  @Override
  public synchronized void close() {
    if (channel == null || lock == null) {
      return;
    }
    lock = null;
    closeQuietly(channel); // closing the channel releases its lock
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null; // held by another command in this JVM: wait as for another process
    }
  }

  /** The database file an embedded H2 URL names (without H2's extension), or null for any other URL. */
  static Path embeddedFile(String url) {
    if (url == null || !DataSources.isEmbeddedH2File(url)) {
      return null;
    }
    String name = url.substring("jdbc:h2:".length());
    name = name.startsWith("file:") ? name.substring("file:".length()) : name;
    int options = name.indexOf(';');
    name = options < 0 ? name : name.substring(0, options);
    if (name.startsWith("~")) {
      name = System.getProperty("user.home") + name.substring(1);
    }
    return name.isBlank() ? null : Path.of(name);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.close();
    } catch (IOException ignored) {
      // the lock goes with the channel anyway
    }
  }
}
