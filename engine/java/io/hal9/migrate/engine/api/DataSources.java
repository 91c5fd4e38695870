package io.hal9.migrate.engine.api;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.hal9.migrate.checkpoints.Databases;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * A HikariCP pool for a JDBC URL, opened the way the engine opens its own (one session time zone, H2 files shared
 * between processes), with the failures a user can fix reported as such: for tools and pipelines that look at the
 * database a run uses.
 */
public final class DataSources {
  /**
   * How long a process keeps trying an H2 file another process is opening. The opener locks the file first
   * and writes its auto-server address into the lock file only once the database is open; in between, a second
   * process (two runs started together) gets "Database may be already in use" (90020) instead of reaching
   * the server, and then the run lock (exit 3).
   */
  private static final Duration H2_OPENING = Duration.ofSeconds(10);

  /** The session time zone of every engine connection (the same statement on H2 and PostgreSQL). */
  static final String SESSION_TIME_ZONE = "SET TIME ZONE 'UTC'";

  private DataSources() {}

  /**
   * A pool on {@code url}; an embedded H2 file is opened in auto-server mode, so a second process reaches it.
   *
   * @throws Hal9MigrateException BAD_URL, or DB_UNREACHABLE when no connection can be made
   */
  public static HikariDataSource pooled(String url, String user, String password) {
    return pooled(url, user, password, null);
  }

  /** The same, with HikariCP's own meters (connections active, idle, pending, acquire time) in {@code metrics}. */
  public static HikariDataSource pooled(String url, String user, String password, MeterRegistry metrics) {
    String jdbcUrl = withAutoServer(url);
    try {
      DriverManager.getDriver(jdbcUrl);
    } catch (SQLException e) {
      throw new Hal9MigrateException(ErrorCode.BAD_URL,
          Secrets.redact(url, password) + ": no JDBC driver for this URL (expected jdbc:h2:... or jdbc:postgresql://...)");
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setPoolName("hal9-migrate");
    // Checkpoint, heartbeat and lease times are the database's LOCALTIMESTAMP, which follows the session's
    // time zone, and the JDBC drivers take that from the JVM. Runners, health checks and status readers on
    // machines in different zones must read one clock, or a live lease looks expired (or a dead one alive).
    config.setConnectionInitSql(SESSION_TIME_ZONE);
    config.setMaximumPoolSize(6);
    config.setConnectionTimeout(10_000);
    config.setInitializationFailTimeout(1); // fail at once: an unreachable database is exit 2, not a hang
    if (metrics != null) {
      config.setMetricRegistry(metrics);
    }
    long deadline = System.nanoTime() + H2_OPENING.toNanos();
    while (true) {
      try {
        return new HikariDataSource(config);
      } catch (HikariPool.PoolInitializationException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        if (isH2FileInUse(cause) && System.nanoTime() < deadline) {
          pause();
          continue;
        }
        throw new Hal9MigrateException(ErrorCode.DB_UNREACHABLE, "cannot connect to " + Secrets.redact(url, password)
            + ": " + Secrets.redact(Hal9MigrateException.oneLine(cause.getMessage()), password), e);
      }
    }
  }

  /**
   * Like {@link #pooled}, but never creates the database: H2 creates a missing embedded file on connect, and
   * a check of a database that does not exist must say so rather than check a new empty one.
   */
  public static HikariDataSource existing(String url, String user, String password) {
    boolean create = isEmbeddedH2File(url) && !url.toUpperCase(java.util.Locale.ROOT).contains("IFEXISTS=");
    return pooled(create ? url + ";IFEXISTS=TRUE" : url, user, password);
  }

  /** jOOQ on {@code dataSource} with the engine's settings (names quoted as the catalog has them, no logging). */
  public static DSLContext dsl(DataSource dataSource) {
    return Databases.dsl(dataSource, Databases.dialect(dataSource));
  }

  private static boolean isH2FileInUse(Throwable cause) {
    return cause instanceof SQLException sql && sql.getErrorCode() == 90020;
  }

  private static void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Hal9MigrateException(ErrorCode.DB_UNREACHABLE, "interrupted while waiting for the H2 file to open", e);
    }
  }

  /**
   * An embedded H2 file is served to a second process through H2's auto-server mode, so that process sees
   * the run lock (exit 3) instead of a file-in-use error. It is also written at each commit (WRITE_DELAY=0):
   * with H2's background writer (every 500 ms), a kill -9 of the process serving the file lost up to half a
   * second of reported commits, and sometimes left half a batch transaction visible after recovery (rows
   * changed without their snapshots), a row lock nobody holds (the next run hung on the run lock) or a store
   * that no longer opened.
   */
  static String withAutoServer(String url) {
    if (!isEmbeddedH2File(url)) {
      return url;
    }
    String upper = url.toUpperCase(java.util.Locale.ROOT);
    return url + (upper.contains("AUTO_SERVER=") ? "" : ";AUTO_SERVER=TRUE")
        + (upper.contains("WRITE_DELAY=") ? "" : ";WRITE_DELAY=0");
  }

  /** An H2 database in a local file, opened by this process (not in memory, not through a server). */
  public static boolean isEmbeddedH2File(String url) {
    return url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:h2:mem:") && !url.startsWith("jdbc:h2:tcp:")
        && !url.startsWith("jdbc:h2:ssl:") && !url.startsWith("jdbc:h2:zip:");
  }
}
