package io.hal9.migrate.engine.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;

/** The engine as a deploy pipeline uses it: its own DataSource, a progress listener, a result object. */
class LibraryTest {
  @TempDir Path dir;

  @OnBothDatabases
  void migratesReportsProgressAndLeavesTheCallersDataSourceOpen(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir).withReferenceSchema().seed("2", "seed", 5_000, 500).path();
    List<String> events = new ArrayList<>();
    List<Long> committed = new ArrayList<>();
    ProgressListener listener = new ProgressListener() {
      @Override
      public void stepStarted(StepInfo step, long rowsDone) {
        events.add("start " + step.id() + " at " + rowsDone);
      }

      @Override
      public void batchCommitted(StepInfo step, long rowsDone, long total) {
        if (step.id().equals("seed")) {
          committed.add(rowsDone);
          assertThat(total).isEqualTo(5_000);
        }
      }

      @Override
      public void stepFinished(StepInfo step, Ending ending, long rowsDone, Duration elapsed) {
        events.add(step.id() + " " + ending.label() + " " + rowsDone);
      }
    };

    MigrateResult result;
    try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(db.dataSource()).plans(plans).progress(listener).load()) {
      result = hal9.migrate();
      assertThat(hal9.status().versions()).extracting(Status.VersionStatus::state).containsExactly(VersionState.DONE, VersionState.DONE);
      assertThat(hal9.migrate().steps()).isEmpty();
    }

    assertThat(result.versionsApplied()).containsExactly("1", "2");
    assertThat(result.steps()).extracting(StepOutcome::id, StepOutcome::rows)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("create-neurons", 0L), org.assertj.core.groups.Tuple.tuple("seed", 5_000L));
    assertThat(events).containsExactly("start create-neurons at 0", "create-neurons done 0", "start seed at 0", "seed done 5000");
    assertThat(committed).startsWith(500L, 1_000L).endsWith(5_000L).isSorted();
    assertThat(db.queryLong("SELECT count(*) FROM neurons")).isEqualTo(5_000);
  }

  @OnBothDatabases
  void stopEndsAtABatchBoundaryAndTheNextMigrateResumesFromTheCheckpoint(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir).withReferenceSchema().seed("2", "seed", 10_000, 1_000).path();
    AtomicReference<Hal9Migrate> engine = new AtomicReference<>();
    ProgressListener stopAfterThreeBatches = new ProgressListener() {
      @Override
      public void batchCommitted(StepInfo step, long rowsDone, long total) {
        if (rowsDone == 3_000) {
          engine.get().stop();
        }
      }
    };
    try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(db.dataSource()).plans(plans).progress(stopAfterThreeBatches).load()) {
      engine.set(hal9);
      assertThatThrownBy(hal9::migrate).isInstanceOfSatisfying(Hal9MigrateException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.STOPPED));
    }
    assertThat(db.queryLong("SELECT count(*) FROM neurons")).isEqualTo(3_000);
    assertThat(db.queryRows("SELECT state, cursor_value, rows_done FROM hal9_steps WHERE step_id = 'seed'"))
        .containsExactly("running|3000|3000");
    assertThat(db.queryRows("SELECT state FROM hal9_runs ORDER BY started_at")).containsExactly("stopped");
    assertThat(db.queryString("SELECT run_id FROM hal9_lock")).isNull();

    List<Long> resumedAt = new ArrayList<>();
    ProgressListener record = new ProgressListener() {
      @Override
      public void stepStarted(StepInfo step, long rowsDone) {
        resumedAt.add(rowsDone);
      }
    };
    try (Hal9Migrate hal9 = Hal9Migrate.configure().dataSource(db.dataSource()).plans(plans).progress(record).load()) {
      MigrateResult result = hal9.migrate();
      assertThat(result.steps()).extracting(StepOutcome::id).containsExactly("seed");
    }
    assertThat(resumedAt).containsExactly(3_000L);
    assertThat(db.queryLong("SELECT count(DISTINCT id) FROM neurons")).isEqualTo(10_000);
    assertThat(db.queryRows("SELECT state, rows_done, attempts FROM hal9_steps WHERE step_id = 'seed'"))
        .containsExactly("done|10000|2");
  }

  @OnBothDatabases
  void anInvalidPlanFailsBeforeConnecting(TestDatabase db) throws Exception {
    Path plans = Plans.in(dir).file("V1__bad.yaml", "steps:\n  - id: x\n    type: nope\n").path();
    assertThatThrownBy(() -> Hal9Migrate.configure().dataSource(db.dataSource()).plans(plans).load())
        .isInstanceOfSatisfying(Hal9MigrateException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.PLAN_INVALID);
          assertThat(e.details()).singleElement().asString().contains("V1__bad.yaml:3", "step 'x'", "unknown step type \"nope\"");
        });
    assertThat(db.tables()).isEmpty();
  }
}
