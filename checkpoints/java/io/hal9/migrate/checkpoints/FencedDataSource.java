package io.hal9.migrate.checkpoints;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.tools.jdbc.DefaultConnection;
import org.jooq.tools.jdbc.DefaultPreparedStatement;
import org.jooq.tools.jdbc.DefaultStatement;

/**
 * Connections for what a step writes outside the engine's own batch transactions (Flyway's migrations, SQL that
 * cannot run in a transaction), fenced as a batch is: each commit first checks, in its transaction, that the lock
 * is still this runner's, and a statement run in autocommit mode checks before it runs. On PostgreSQL each session
 * also holds this epoch's shared advisory lock while it is out of the pool, and on H2 each transaction is marked as
 * a batch transaction is (a lock on hal9_runs), so a takeover can end it should its runner stall (see {@link RunLock}):
 * a runner stopped inside Flyway's migration holds locks (Flyway's on its history table) that would block the next.
 */
final class FencedDataSource implements DataSource {
  /** The SQL state of a write refused because the lock was lost (a class of its own: not a database error). */
  static final String LOCK_LOST_STATE = "HL9LL";

  private final DataSource pool;
  private final Fence fence;

  FencedDataSource(DataSource pool, Fence fence) {
    this.pool = pool;
    this.fence = fence;
  }

  @Override
  public Connection getConnection() throws SQLException {
    Connection connection = pool.getConnection();
    try {
      fence.tagSession(Databases.dsl(connection));
      return new FencedConnection(connection);
    } catch (RuntimeException e) {
      connection.close();
      throw new SQLException("cannot mark the connection as this runner's: " + e.getMessage(), e);
    }
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the engine's connections use its own credentials");
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return pool.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    pool.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    pool.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return pool.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return pool.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    return pool.unwrap(type);
  }

  @Override
  public boolean isWrapperFor(Class<?> type) throws SQLException {
    return pool.isWrapperFor(type);
  }

  private final class FencedConnection extends DefaultConnection {
    private final DSLContext session;
    /** Whether the transaction in progress (autocommit off) carries this runner's mark yet (H2, see Fence). */
    private boolean tagged;

    FencedConnection(Connection delegate) {
      super(delegate);
      this.session = Databases.dsl(delegate);
    }

    @Override
    public void commit() throws SQLException {
      try {
        markTransaction(); // the check locks the lease row: a runner stalled after it must be found and ended too
        fence.check(session);
      } catch (LockLostException lost) {
        getDelegate().rollback();
        throw refused(lost);
      } finally {
        tagged = false;
      }
      super.commit();
    }

    @Override
    public void rollback() throws SQLException {
      tagged = false;
      super.rollback();
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
      tagged = false;
      super.setAutoCommit(autoCommit);
    }

    /**
     * Before a statement: one that commits by itself (autocommit mode) is checked; in a transaction, the first
     * marks it as this runner's.
     */
    void beforeWrite() throws SQLException {
      if (getAutoCommit()) {
        try {
          fence.check(session);
        } catch (LockLostException lost) {
          throw refused(lost);
        }
      } else {
        markTransaction();
      }
    }

    private void markTransaction() {
      if (!tagged) {
        fence.tagTransaction(session);
        tagged = true;
      }
    }

    @Override
    public void close() throws SQLException {
      try {
        if (!isClosed()) {
          fence.untag(session);
        }
      } catch (RuntimeException e) {
        // a broken session drops its locks anyway
      } finally {
        super.close();
      }
    }

    @Override
    public Statement createStatement() throws SQLException {
      return new FencedStatement(super.createStatement(), this);
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
      return new FencedPreparedStatement(super.prepareStatement(sql), this);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
      return new FencedPreparedStatement(super.prepareStatement(sql, autoGeneratedKeys), this);
    }

    private SQLException refused(LockLostException lost) {
      return new SQLException(lost.getMessage(), LOCK_LOST_STATE, lost);
    }
  }

  private static final class FencedStatement extends DefaultStatement {
    private final FencedConnection connection;

    FencedStatement(Statement delegate, FencedConnection connection) {
      super(delegate, connection);
      this.connection = connection;
    }

    @Override
    public boolean execute(String sql) throws SQLException {
      connection.beforeWrite();
      return super.execute(sql);
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
      connection.beforeWrite();
      return super.executeUpdate(sql);
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
      connection.beforeWrite();
      return super.executeLargeUpdate(sql);
    }

    @Override
    public int[] executeBatch() throws SQLException {
      connection.beforeWrite();
      return super.executeBatch();
    }
  }

  private static final class FencedPreparedStatement extends DefaultPreparedStatement {
    private final FencedConnection connection;

    FencedPreparedStatement(PreparedStatement delegate, FencedConnection connection) {
      super(delegate, connection);
      this.connection = connection;
    }

    @Override
    public boolean execute() throws SQLException {
      connection.beforeWrite();
      return super.execute();
    }

    @Override
    public int executeUpdate() throws SQLException {
      connection.beforeWrite();
      return super.executeUpdate();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
      connection.beforeWrite();
      return super.executeLargeUpdate();
    }

    @Override
    public int[] executeBatch() throws SQLException {
      connection.beforeWrite();
      return super.executeBatch();
    }
  }
}
