package io.hal9.migrate.checkpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jooq.SQLDialect;

/** The engine's own tables, created by whichever of several first runs gets there first. */
class EngineSchemaTest {
  private static final int RUNS = 8;

  @OnBothDatabases
  void firstRunsStartingTogetherAllFindTheTablesCreatedOnce(TestDatabase db) throws Exception {
    CheckpointStore store = store(db, db.dataSource());
    CyclicBarrier together = new CyclicBarrier(RUNS);
    ExecutorService runs = Executors.newFixedThreadPool(RUNS);
    try {
      List<Future<?>> started = new ArrayList<>();
      for (int i = 0; i < RUNS; i++) {
        started.add(runs.submit(() -> {
          together.await();
          store.initialize();
          return null;
        }));
      }
      for (Future<?> run : started) {
        run.get(); // none of them fails
      }
    } finally {
      runs.shutdownNow();
    }
    // An empty database needs no baseline: each format once, in order.
    assertThat(db.queryRows("SELECT \"version\" FROM \"hal9_schema_history\" WHERE \"success\" AND \"version\" IS NOT NULL ORDER BY \"installed_rank\""))
        .containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
    assertThat(store.initialized()).isTrue();
  }

  /** One database, a target per schema: the engine tables of another schema are another target's, not these. */
  @OnBothDatabases
  void engineTablesInAnotherSchemaAreNotThisTargets(TestDatabase db) throws Exception {
    store(db, db.dataSource()).initialize();
    db.execute(db.isPostgres() ? "CREATE SCHEMA tenant_b" : "CREATE SCHEMA TENANT_B");
    javax.sql.DataSource tenantB = db.isPostgres() ? pgSource(db.url() + (db.url().contains("?") ? "&" : "?") + "currentSchema=tenant_b")
        : h2Source(db.url() + ";AUTO_SERVER=TRUE;SCHEMA=TENANT_B");
    CheckpointStore other = store(db, tenantB);

    assertThat(other.initialized()).isFalse();
    assertThat(other.steps()).isEmpty();
    other.initialize();
    assertThat(other.initialized()).isTrue();
    assertThat(db.queryRows(db.isPostgres() ? "SELECT count(*) FROM tenant_b.hal9_steps" : "SELECT count(*) FROM TENANT_B.HAL9_STEPS"))
        .containsExactly("0");
  }

  /** A batch's snapshot record is large; PostgreSQL stores it with lz4, which costs next to nothing, not pglz. */
  @org.junit.jupiter.api.Test
  void snapshotRecordsAreCompressedWithLz4OnPostgres() throws Exception {
    try (TestDatabase db = TestDatabase.postgres()) {
      store(db, db.dataSource()).initialize();
      db.execute("INSERT INTO hal9_snapshots (step_id, row_key, before_value) VALUES ('s', '[1000] (batch)', "
          + "(SELECT string_agg('[[' || g || '],[{\"activation\": ' || g || '}, 1, \"L1\"]]', ',') FROM generate_series(1, 5000) g))");
      assertThat(db.queryRows("SELECT pg_column_compression(before_value) FROM hal9_snapshots")).containsExactly("lz4");
    }
  }

  private static CheckpointStore store(TestDatabase db, javax.sql.DataSource dataSource) {
    return db.isPostgres() ? CheckpointStore.on(dataSource, SQLDialect.POSTGRES, LockDialect.POSTGRES)
        : CheckpointStore.on(dataSource, SQLDialect.H2, LockDialect.H2);
  }

  private static javax.sql.DataSource pgSource(String url) {
    org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
    ds.setURL(url);
    return ds;
  }

  private static javax.sql.DataSource h2Source(String url) {
    org.h2.jdbcx.JdbcDataSource ds = new org.h2.jdbcx.JdbcDataSource();
    ds.setURL(url);
    return ds;
  }
}
