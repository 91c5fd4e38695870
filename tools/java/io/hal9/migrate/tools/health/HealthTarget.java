package io.hal9.migrate.tools.health;

import io.hal9.migrate.engine.api.DataSources;
import io.hal9.migrate.engine.api.Hal9MigrateException;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The database the checks look at, opened on first use: a health run of disk and port checks alone never
 * connects, and one that cannot connect reports that as the database check's failure.
 */
public final class HealthTarget implements AutoCloseable {
  private final Supplier<DataSource> opener;
  private final boolean owned;
  private DataSource dataSource;
  private DSLContext dsl;
  private Hal9MigrateException failure;

  private HealthTarget(Supplier<DataSource> opener, boolean owned) {
    this.opener = opener;
    this.owned = owned;
  }

  /** A database the caller owns (a running step's). */
  public static HealthTarget of(DataSource dataSource) {
    return new HealthTarget(() -> dataSource, false);
  }

  /** An existing database by JDBC URL, pooled on first use and closed with the target. */
  public static HealthTarget connecting(String url, String user, String password) {
    return new HealthTarget(() -> DataSources.existing(url, user, password), true);
  }

  /** @throws Hal9MigrateException DB_UNREACHABLE (every later call too, without trying again) */
  public DataSource dataSource() {
    if (failure != null) {
      throw failure;
    }
    if (dataSource == null) {
      try {
        dataSource = opener.get();
      } catch (Hal9MigrateException e) {
        failure = e;
        throw e;
      }
    }
    return dataSource;
  }

  public DSLContext dsl() {
    if (dsl == null) {
      DataSource source = dataSource();
      dsl = DataSources.dsl(source);
    }
    return dsl;
  }

  @Override
  public void close() throws Exception {
    if (owned && dataSource instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
