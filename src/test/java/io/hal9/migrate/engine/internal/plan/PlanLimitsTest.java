package io.hal9.migrate.engine.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.checkpoints.EngineSchema;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepType;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine stores from a plan (versions, descriptions, file names, step ids, step type names) fits its
 * column, or the plan is refused at validation with file and line, before any write. Exactly at the limit, a run,
 * a rollback and a rerun work.
 */
class PlanLimitsTest {
  private static final String AT_LIMIT_TYPE = "t".repeat(EngineSchema.STEP_TYPE_LENGTH);
  private static final String OVER_LIMIT_TYPE = "t".repeat(EngineSchema.STEP_TYPE_LENGTH + 1);

  @TempDir Path dir;

  @OnBothDatabases
  void everyValueLongerThanItsColumnIsRefusedBeforeAnyWrite(TestDatabase db) throws Exception {
    String description = "d".repeat(EngineSchema.DESCRIPTION_LENGTH + 1);
    String version = "1" + "0".repeat(EngineSchema.VERSION_LENGTH);
    String id = "s".repeat(EngineSchema.STEP_ID_LENGTH + 1);
    Plans.in(dir)
        .file("V1__" + description + ".yaml", sqlStep("a", "SELECT 1"))
        .file("V" + version + "__big.yaml", sqlStep("b", "SELECT 1"))
        .file("V2__ids.yaml", sqlStep(id, "SELECT 1") + "  - id: c\n    type: " + OVER_LIMIT_TYPE + "\n");

    Cli.Result run = rejected(db);

    assertThat(run.errors()).containsExactlyInAnyOrder(
        dir.resolve("V1__" + description + ".yaml") + ": description is 201 characters, more than the 200 the engine "
            + "stores (hal9_history.description)",
        dir.resolve("V" + version + "__big.yaml") + ": version is 51 characters, more than the 50 the engine stores "
            + "(hal9_history.version)",
        dir.resolve("V2__ids.yaml") + ":2: step '" + id + "' key 'id': 201 characters, more than the 200 the engine stores "
            + "(hal9_steps.step_id)",
        dir.resolve("V2__ids.yaml") + ":6: step 'c' key 'type': the step type's name is 65 characters, more than the 64 the "
            + "engine stores (hal9_steps.step_type)");
  }

  @OnBothDatabases
  void valuesExactlyAtTheLimitsRunRollBackAndRunAgain(TestDatabase db) throws Exception {
    // A file name holds at most 255 bytes on common filesystems: the longest version and the longest description
    // cannot be in one name, so they are in two.
    String description = "d".repeat(EngineSchema.DESCRIPTION_LENGTH);
    String version = "1" + "0".repeat(EngineSchema.VERSION_LENGTH - 1);
    String id = "s".repeat(EngineSchema.STEP_ID_LENGTH);
    Plans.in(dir)
        .file("V1__" + description + ".yaml", sqlStep(id, "CREATE TABLE t_limit (x INT)") + "    undo: DROP TABLE t_limit\n")
        .file("V" + version + "__big.yaml", "steps:\n  - id: custom\n    type: " + AT_LIMIT_TYPE + "\n");
    Cli.Result run = cli(db, "run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.queryRows("SELECT version, description FROM hal9_history ORDER BY installed_rank"))
        .containsExactly("1|" + description, version + "|big");
    assertThat(db.queryRows("SELECT step_id, step_type FROM hal9_steps ORDER BY version"))
        .containsExactlyInAnyOrder(id + "|sql", "custom|" + AT_LIMIT_TYPE);
    assertThat(cli(db, "status").exit()).isZero();

    Cli.Result rollback = cli(db, "rollback", "--to", "0");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(db.tables()).doesNotContain("t_limit");

    Cli.Result again = cli(db, "run");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(db.tables()).contains("t_limit");
  }

  @OnBothDatabases
  void theEngineColumnsAreAsWideAsTheLimitsTheLoaderChecks(TestDatabase db) throws Exception {
    // The migrations keep their own numbers (they are history); a constant changed without a migration shows here.
    Plans.in(dir).file("V1__one.yaml", sqlStep("a", "SELECT 1"));
    assertThat(cli(db, "run").exit()).isZero();

    assertThat(width(db, "hal9_history", "version")).isEqualTo(EngineSchema.VERSION_LENGTH);
    assertThat(width(db, "hal9_history", "description")).isEqualTo(EngineSchema.DESCRIPTION_LENGTH);
    assertThat(width(db, "hal9_history", "script")).isEqualTo(EngineSchema.SCRIPT_LENGTH);
    assertThat(width(db, "hal9_steps", "step_id")).isEqualTo(EngineSchema.STEP_ID_LENGTH);
    assertThat(width(db, "hal9_steps", "version")).isEqualTo(EngineSchema.VERSION_LENGTH);
    assertThat(width(db, "hal9_steps", "step_type")).isEqualTo(EngineSchema.STEP_TYPE_LENGTH);
    assertThat(width(db, "hal9_snapshots", "step_id")).isEqualTo(EngineSchema.STEP_ID_LENGTH);
    assertThat(width(db, "hal9_rejects", "step_id")).isEqualTo(EngineSchema.STEP_ID_LENGTH);
  }

  private static long width(TestDatabase db, String table, String column) throws Exception {
    boolean pg = db.isPostgres();
    return db.queryLong("SELECT character_maximum_length FROM information_schema.columns WHERE table_name = '"
        + (pg ? table : table.toUpperCase(Locale.ROOT)) + "' AND column_name = '"
        + (pg ? column : column.toUpperCase(Locale.ROOT)) + "'");
  }

  /** {@code run} and {@code validate} refused with exit 2, and the database left exactly as it was: empty. */
  private Cli.Result rejected(TestDatabase db) throws Exception {
    Cli.Result run = cli(db, "run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.out()).as(run.toString()).isEmpty();
    Cli.Result validate = cli(db, "validate");
    assertThat(validate.exit()).as(validate.toString()).isEqualTo(2);
    assertThat(validate.errors()).isEqualTo(run.errors());
    assertThat(db.tables()).as("tables after a refused plan").isEmpty();
    return run;
  }

  /** Runs the CLI with this test's step types on {@code --classpath}, as a user's jar would bring them. */
  private Cli.Result cli(TestDatabase db, String... args) {
    Path types = dir.resolveSibling(dir.getFileName() + "-types");
    Plans.in(types).file("META-INF/services/" + StepType.class.getName(),
        AtLimitType.class.getName() + "\n" + OverLimitType.class.getName() + "\n");
    List<String> line = new ArrayList<>(List.of(args));
    line.addAll(List.of("--classpath", types.toString()));
    return new Cli(db, dir).run(line.toArray(String[]::new));
  }

  private static String sqlStep(String id, String sql) {
    return "steps:\n  - id: " + id + "\n    type: sql\n    sql: " + sql + "\n";
  }

  /** A step type that does nothing, named as the test needs. */
  public abstract static class NamedType implements StepType {
    private final String name;

    NamedType(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public List<Param> params() {
      return List.of();
    }

    @Override
    public Step create(StepDefinition step) {
      return new Step() {
        @Override
        public void run(StepContext context) {}

        @Override
        public boolean undoable() {
          return true;
        }

        @Override
        public void undo(StepContext context) {}
      };
    }
  }

  public static final class AtLimitType extends NamedType {
    public AtLimitType() {
      super(AT_LIMIT_TYPE);
    }
  }

  public static final class OverLimitType extends NamedType {
    public OverLimitType() {
      super(OVER_LIMIT_TYPE);
    }
  }
}
