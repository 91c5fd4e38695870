package io.hal9.migrate.checkpoints;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.jooq.tools.jdbc.JDBCUtils;

/** One way to get a jOOQ context for a database, so H2 and PostgreSQL go through the same settings. */
public final class Databases {
  private Databases() {}

  /**
   * The engine's own names are unquoted: H2 upper-cases and PostgreSQL lower-cases them consistently
   * (DEPENDENCIES.md, trap 4). Users' tables and columns are named as their catalog has them, quoted, with their
   * schema.
   */
  private static final Settings SETTINGS =
      new Settings()
          .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED)
          .withExecuteLogging(false);

  public static SQLDialect dialect(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      return dialect(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the database's product name: " + e.getMessage(), e);
    }
  }

  public static SQLDialect dialect(Connection connection) {
    SQLDialect dialect = JDBCUtils.dialect(connection);
    if (dialect != SQLDialect.H2 && dialect != SQLDialect.POSTGRES) {
      throw new IllegalArgumentException("unsupported database " + dialect.getName() + ": hal9-migrate runs on H2 and PostgreSQL");
    }
    return dialect;
  }

  public static DSLContext dsl(DataSource dataSource, SQLDialect dialect) {
    return DSL.using(dataSource, dialect, SETTINGS);
  }

  public static DSLContext dsl(Connection connection) {
    return DSL.using(connection, dialect(connection), SETTINGS);
  }
}
