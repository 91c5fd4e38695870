package io.hal9.migrate.engine.internal.steps.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.CliProcess;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A neuron-state step over UUID, composite, text (ICU collation on PostgreSQL) and fractional numeric keys, run
 * by a real CLI process killed with -9 mid-step and then run again: it resumes from the typed cursor exactly as
 * over BIGINT keys, so every row ends doubled once (a resumed cursor that skipped or repeated rows would show), and
 * the checkpoint, the snapshots and the rows agree after the kill.
 */
class KeyTypesCrashTest {
  private static final int ROWS = 3000;
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path dir;
  private final List<CliProcess> children = new ArrayList<>();

  @AfterEach
  void killChildren() throws InterruptedException {
    for (CliProcess child : children) {
      child.kill9();
    }
  }

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (KeyShapes shape : List.of(KeyShapes.UUID_KEY, KeyShapes.COMPOSITE, KeyShapes.TEXT, KeyShapes.NUMERIC)) {
      OnBothDatabases.Provider.databases().forEach(db -> cases.add(Arguments.of(shape, db)));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("cases")
  void killedMidStepResumesFromItsTypedCursor(KeyShapes shape, TestDatabase db) throws Exception {
    try (db) {
      Path plans = shape.plans(dir.resolve("plans"), db, ROWS, 7, true, 10).path();
      Cli cli = new Cli(db, plans);
      Cli.Result setup = cli.run("run", "--target", "1");
      assertThat(setup.exit()).as(setup.toString()).isZero();

      // On H2 nothing of this JVM holds the file while the child runs: the child owns it, and dies with it.
      CliProcess child = CliProcess.start(dir.resolve("work"), "run", "--progress-interval", "0", "--url", db.url(),
          "--plans", plans.toString());
      children.add(child);
      child.awaitRows(ROWS / 3, TIMEOUT);
      Thread.sleep(ThreadLocalRandom.current().nextInt(40));
      child.kill9();

      long rowsDone = db.queryLong("SELECT rows_done FROM hal9_steps WHERE step_id = 'state-v2'");
      assertThat(rowsDone).as("the kill landed mid-step:\n%s", child).isPositive().isLessThan(ROWS);
      assertThat(db.queryLong("SELECT count(*) FROM neurons WHERE state_version = 2")).isEqualTo(rowsDone);
      assertThat(db.snapshottedRows("state-v2")).isEqualTo(rowsDone);
      assertThat(db.queryString("SELECT cursor_value FROM hal9_steps WHERE step_id = 'state-v2'")).startsWith("[");

      Cli.Result resumed = cli.run("run");
      assertThat(resumed.exit()).as(resumed.toString()).isZero();
      KeyTypesTest.assertDoubledOnce(db, ROWS);
      assertThat(db.queryRows("SELECT rows_done, attempts FROM hal9_steps WHERE step_id = 'state-v2'"))
          .containsExactly(ROWS + "|2");
    }
  }
}
