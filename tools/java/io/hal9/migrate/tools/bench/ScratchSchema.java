package io.hal9.migrate.tools.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A schema of its own for a benchmark, so it leaves the user's tables and migration history alone: created
 * fresh at the start, dropped at the end. Its connections see it as their current schema.
 */
final class ScratchSchema {
  private static final String NAME = "hal9_bench";

  private final String url;
  private final String user;
  private final String password;
  private final boolean postgres;

  ScratchSchema(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.postgres = url.startsWith("jdbc:postgresql:");
  }

  HikariDataSource create() throws SQLException {
    drop();
    execute("CREATE SCHEMA " + NAME);
    HikariConfig config = new HikariConfig();
    // An H2 file is served to other processes too (bench resume runs the CLI beside this one).
    String h2 = url + ";SCHEMA=" + NAME.toUpperCase() + (url.startsWith("jdbc:h2:file:") && !url.contains("AUTO_SERVER") ? ";AUTO_SERVER=TRUE" : "");
    config.setJdbcUrl(postgres ? url + (url.contains("?") ? "&" : "?") + "currentSchema=" + NAME : h2);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(6);
    config.setPoolName("hal9-bench");
    return new HikariDataSource(config);
  }

  void drop() throws SQLException {
    execute("DROP SCHEMA IF EXISTS " + NAME + " CASCADE");
  }

  private void execute(String sql) throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    try (Connection connection = DriverManager.getConnection(url, properties); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
