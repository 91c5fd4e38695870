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
    CheckpointStore store = db.isPostgres()
        ? CheckpointStore.on(db.dataSource(), SQLDialect.POSTGRES, LockDialect.POSTGRES)
        : CheckpointStore.on(db.dataSource(), SQLDialect.H2, LockDialect.H2);
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
        .containsExactly("1", "2", "3", "4");
    assertThat(store.initialized()).isTrue();
  }
}
