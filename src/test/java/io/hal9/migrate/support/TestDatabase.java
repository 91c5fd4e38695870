package io.hal9.migrate.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh, empty database for one test: an H2 file in a temporary folder, or a new database on the test
 * PostgreSQL server (dropped again on close). Tests assert on it with plain JDBC.
 */
public abstract class TestDatabase implements AutoCloseable {

  /** "h2" or "postgresql". */
  public abstract String name();

  /** The URL the CLI and the library are given. */
  public abstract String url();

  /** A URL for the test's own connections, which must coexist with CLI child processes. */
  protected abstract String testUrl();

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(testUrl());
  }

  /**
   * Serves the database from this JVM until close, for tests that poll it while CLI children open it, call it
   * before {@link #url()}: an H2 file is then reached through H2's TCP server ({@code jdbc:h2:tcp:}) by every process.
   * Through the file itself, each new connection of a process that does not own it writes H2's lock file, and a
   * process opening it meanwhile fails with "Lock file recently modified". Crash tests do not call it, as the child
   * they kill must be the process that owns the file.
   */
  public void serve() throws SQLException {}

  /** A plain (unpooled) DataSource, as a deploy pipeline would hand the library its own. */
  public javax.sql.DataSource dataSource() {
    if (isPostgres()) {
      org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
      ds.setURL(testUrl());
      return ds;
    }
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL(testUrl());
    return ds;
  }

  public boolean isPostgres() {
    return name().equals("postgresql");
  }

  public void execute(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** The first column of the first row, as a long (0 when there is no row). */
  public long queryLong(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
      return rows.next() ? rows.getLong(1) : 0;
    }
  }

  /**
   * {@code sql}'s number (as {@link #queryLong}) once it has not moved for {@code quiet}, read every 50 ms: the rows of
   * a paused step, say, once the batch under way when the pause came has committed.
   */
  public long awaitStill(String sql, Duration quiet) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    long value = queryLong(sql);
    long since = System.nanoTime();
    while (System.nanoTime() - since < quiet.toNanos()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(sql + " did not stand still for " + quiet + " within a minute; now " + value);
      }
      Thread.sleep(50);
      long now = queryLong(sql);
      if (now != value) {
        value = now;
        since = System.nanoTime();
      }
    }
    return value;
  }

  public String queryString(String sql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  /** Every row of a query, each row's columns joined by '|'. */
  public List<String> queryRows(String sql) throws SQLException {
    List<String> result = new ArrayList<>();
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
      int columns = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(i > 1 ? "|" : "").append(rows.getString(i));
        }
        result.add(row.toString());
      }
    }
    return result;
  }

  /** The tables of the default schema, lower-cased and sorted. */
  /**
   * The keys of the rows a step holds snapshots of: each row record's, and each member's of a batch's record
   * (written by PostgreSQL's pushdown, see RowRecords#snapshotting).
   */
  public List<String> snapshottedKeys(String step) throws SQLException {
    return queryRows(snapshottedKeysQuery(step, isPostgres()));
  }

  public long snapshottedRows(String step) throws SQLException {
    return queryLong("SELECT count(*) FROM (" + snapshottedKeysQuery(step, isPostgres()) + ") k");
  }

  public static String snapshottedKeysQuery(String step, boolean postgres) {
    String rows = "SELECT row_key FROM hal9_snapshots WHERE step_id = '" + step + "'";
    return postgres ? rows + " AND row_key NOT LIKE '% (batch)' UNION ALL SELECT CAST(m -> 0 AS text) FROM hal9_snapshots,"
        + " json_array_elements(CAST(before_value AS json)) m WHERE step_id = '" + step + "' AND row_key LIKE '% (batch)'" : rows;
  }

  public List<String> tables() throws SQLException {
    String schema = isPostgres() ? "public" : "PUBLIC";
    List<String> tables = new ArrayList<>();
    for (String row : queryRows("SELECT table_name FROM information_schema.tables WHERE table_schema = '" + schema + "'")) {
      tables.add(row.toLowerCase(Locale.ROOT));
    }
    tables.sort(null);
    return tables;
  }

  /** True when an index of that name exists. */
  public boolean hasIndex(String name) throws SQLException {
    String sql = isPostgres()
        ? "SELECT count(*) FROM pg_indexes WHERE indexname = '" + name.toLowerCase(Locale.ROOT) + "'"
        : "SELECT count(*) FROM information_schema.indexes WHERE index_name = '" + name.toUpperCase(Locale.ROOT) + "'";
    return queryLong(sql) > 0;
  }

  @Override
  public String toString() {
    return name();
  }

  public static TestDatabase h2() {
    return new H2();
  }

  public static TestDatabase postgres() {
    return PostgresServer.newDatabase();
  }

  static final class H2 extends TestDatabase {
    private final Path folder;
    private org.h2.tools.Server server;

    H2() {
      try {
        folder = Files.createTempDirectory("hal9-h2-");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public String name() {
      return "h2";
    }

    @Override
    public String url() {
      return server != null ? "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/" + folder.resolve("hal9")
          : "jdbc:h2:file:" + folder.resolve("hal9");
    }

    @Override
    protected String testUrl() {
      return server != null ? url() : url() + ";AUTO_SERVER=TRUE";
    }

    @Override
    public void serve() throws SQLException {
      if (server == null) {
        server = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
      }
    }

    @Override
    public void close() {
      if (server != null) {
        server.stop();
      }
      Files2.deleteTree(folder);
    }
  }

  static final class Postgres extends TestDatabase {
    private final String adminUrl;
    private final String url;
    private final String database;

    Postgres(String adminUrl) throws SQLException {
      this.adminUrl = adminUrl;
      this.database = "hal9_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
      try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + database);
      }
      this.url = adminUrl.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
    }

    @Override
    public String name() {
      return "postgresql";
    }

    @Override
    public String url() {
      return url;
    }

    @Override
    protected String testUrl() {
      return url;
    }

    @Override
    public void close() throws SQLException {
      try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
  }
}
