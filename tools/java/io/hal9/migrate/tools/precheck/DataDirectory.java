package io.hal9.migrate.tools.precheck;

import io.hal9.migrate.engine.api.DataSources;
import io.hal9.migrate.tools.health.HealthTarget;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;

/**
 * Where the database keeps its files, when that is on this machine: the folder of an embedded H2 file, or a
 * PostgreSQL server's {@code data_directory} when the server is on loopback (asked with {@code SHOW}, which reads
 * only; it needs a superuser or {@code pg_read_all_settings}). Disk free space means most there.
 */
final class DataDirectory {
  private DataDirectory() {}

  static Optional<Path> of(String url, HealthTarget target) {
    Path found = null;
    if (DataSources.isEmbeddedH2File(url)) {
      String file = url.substring("jdbc:h2:".length()).replaceFirst("^file:", "").split(";", 2)[0];
      if (file.startsWith("~")) {
        file = System.getProperty("user.home") + file.substring(1);
      }
      found = Path.of(file).toAbsolutePath().normalize().getParent();
    } else if (url.startsWith("jdbc:postgresql:") && onLoopback(url)) {
      found = postgresDataDirectory(target);
    }
    return Optional.ofNullable(found).filter(Files::isDirectory);
  }

  private static boolean onLoopback(String url) {
    String rest = url.substring("jdbc:postgresql:".length());
    if (!rest.startsWith("//")) {
      return true; // jdbc:postgresql:dbname is localhost
    }
    try {
      String host = URI.create("postgresql:" + rest).getHost();
      return host == null || InetAddress.getByName(host).isLoopbackAddress();
    } catch (IllegalArgumentException | java.net.UnknownHostException e) {
      return false;
    }
  }

  /** Null when the server will not say (no privilege) or cannot be reached: the latency check reports the latter. */
  private static Path postgresDataDirectory(HealthTarget target) {
    try (Connection connection = target.dataSource().getConnection(); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SHOW data_directory")) {
      return rows.next() ? Path.of(rows.getString(1)) : null;
    } catch (Exception e) {
      return null;
    }
  }
}
