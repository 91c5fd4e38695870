package io.hal9.migrate.engine.internal.plan;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad plans are refused before anything touches the database: exit 2, one line per problem naming file, line,
 * step and key. Each case goes through {@code run}, the command that would write, pointed at a server that does not
 * answer: had it tried to connect, it would say so (DB_UNREACHABLE) instead of naming the problems.
 */
class PlanValidationTest {
  private static final String SQL_STEP = "steps:\n  - id: a\n    type: sql\n    sql: SELECT 1\n";

  @TempDir Path dir;

  @Test
  void unparsableYamlNamesTheLineOfTheMistake() throws Exception {
    // The mis-indented key is on line 4; Jackson's own location would point at the last good token.
    Plans.in(dir).file("V1__bad.yaml", "steps:\n  - id: a\n    type: sql\n   sql: SELECT 1\n");

    Cli.Result run = rejected();
    assertThat(run.errors()).singleElement().asString()
        .startsWith(at("V1__bad.yaml", 4) + "invalid YAML: ")
        .contains("line 4, column 4");
  }

  @Test
  void unclosedQuoteIsReportedWhereItOpens() throws Exception {
    // SnakeYAML notices at the end of the file; the line to fix is the one with the quote.
    Plans.in(dir).file("V1__bad.yaml", "steps:\n  - id: a\n    type: sql\n    sql: \"SELECT 1\n");

    assertThat(rejected().errors()).singleElement().asString()
        .startsWith(at("V1__bad.yaml", 4) + "invalid YAML: while scanning a quoted scalar");
  }

  @Test
  void tabIndentationIsReportedOnItsLine() throws Exception {
    Plans.in(dir).file("V1__bad.yaml", "steps:\n\t- id: a\n");

    assertThat(rejected().errors()).singleElement().asString()
        .startsWith(at("V1__bad.yaml", 2) + "invalid YAML: ")
        .contains("TAB");
  }

  @Test
  void unknownStepTypeListsTheKnownOnes() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: a\n    type: nope\n");

    Cli.Result run = rejected();
    assertThat(run.errors()).containsExactly(
        at("V1__x.yaml", 3) + "step 'a' key 'type': unknown step type \"nope\" (known: embedding, flyway, health, neuron-seed, neuron-state, rollout, scale, sql)");
  }

  @Test
  void unknownKeyNamesItsLineAndTheKnownKeys() throws Exception {
    Plans.in(dir).file("V1__x.yaml", SQL_STEP + "    sqll: SELECT 2\n");

    Cli.Result run = rejected();
    String problem = at("V1__x.yaml", 5) + "step 'a': unknown key 'sqll' for type sql (known: sql, file, undo, transaction)";
    assertThat(run.errors()).containsExactly(problem);

    Cli.Result json = cli().run("run", "--json");
    assertPlanInvalidJson(json, problem);
  }

  @Test
  void missingRequiredKeyNamesTheStepAndTheKey() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    seed: 1\n");

    assertThat(rejected().errors())
        .containsExactly(at("V1__x.yaml", 2) + "step 'seed': missing key 'count' (a positive integer)");
  }

  @Test
  void countGivenAsTextIsAWrongType() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    count: \"abc\"\n");

    assertThat(rejected().errors())
        .containsExactly(at("V1__x.yaml", 4) + "step 'seed' key 'count': expected a positive integer, got \"abc\"");
  }

  @Test
  void negativeBatchSizeIsAWrongValue() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    count: 10\n    batch-size: -5\n");

    assertThat(rejected().errors())
        .containsExactly(at("V1__x.yaml", 5) + "step 'seed' key 'batch-size': expected rows per batch, from 1 to 10000, got -5");
  }

  @Test
  void batchSizeAboveTheLimitIsAWrongValueForEveryBatchedStep() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    count: 10\n    batch-size: 10001\n"
        + "  - id: state\n    type: neuron-state\n    from-version: 1\n    to-version: 2\n    batch-size: 20000\n"
        + "    ops:\n      - remove: {field: legacy}\n");

    assertThat(rejected().errors()).containsExactly(
        at("V1__x.yaml", 5) + "step 'seed' key 'batch-size': expected rows per batch, from 1 to 10000, got 10001",
        at("V1__x.yaml", 10) + "step 'state' key 'batch-size': expected rows per batch, from 1 to 10000, got 20000");
  }

  @Test
  void fractionalSeedIsAWrongType() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: seed\n    type: neuron-seed\n    count: 10\n    seed: 1.5\n");

    assertThat(rejected().errors())
        .containsExactly(at("V1__x.yaml", 5) + "step 'seed' key 'seed': expected an integer, got 1.5");
  }

  @Test
  void duplicateStepIdAcrossFilesPointsAtTheFirst() throws Exception {
    Plans.in(dir)
        .file("V1__one.yaml", SQL_STEP)
        .file("V2__two.yaml", "steps:\n  - id: b\n    type: sql\n    sql: SELECT 2\n  - id: a\n    type: sql\n    sql: SELECT 3\n");

    Cli.Result run = rejected();
    String problem = at("V2__two.yaml", 5) + "duplicate step id 'a' (first in V1__one.yaml:2)";
    assertThat(run.errors()).containsExactly(problem);
    assertPlanInvalidJson(cli().run("run", "--json"), problem);
  }

  @Test
  void sameVersionWrittenTwoWaysIsADuplicate() throws Exception {
    // 1 and 1.0 are the same version.
    Plans.in(dir).file("V1__one.yaml", SQL_STEP).file("V1.0__two.yaml", SQL_STEP.replace("id: a", "id: b"));

    assertThat(rejected().errors())
        .containsExactly(dir.resolve("V1__one.yaml") + ": duplicate version 1 (also V1.0__two.yaml)");
  }

  @Test
  void badFileNamesAreEachReported() throws Exception {
    Plans.in(dir)
        .file("V1_missing_double_underscore.yaml", SQL_STEP)
        .file("Vx__a.yaml", SQL_STEP.replace("id: a", "id: b"));

    String expected = ": bad file name: expected V<version>__<description>.yaml, e.g. V2__seed_neurons.yaml";
    assertThat(rejected().errors()).containsExactly(
        dir.resolve("V1_missing_double_underscore.yaml") + expected,
        dir.resolve("Vx__a.yaml") + expected);
  }

  @Test
  void duplicateKeyInAStepNamesTheStepAndTheSecondLine() throws Exception {
    Plans.in(dir).file("V1__x.yaml", SQL_STEP + "    sql: SELECT 2\n");

    assertThat(rejected().errors()).containsExactly(at("V1__x.yaml", 5) + "step 'a': duplicate key 'sql'");
  }

  @Test
  void stepWithoutIdIsNamedByItsPosition() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: a\n    type: sql\n    sql: SELECT 1\n  - type: sql\n    sql: SELECT 2\n");

    assertThat(rejected().errors()).containsExactly(at("V1__x.yaml", 5) + "step '#2': missing key 'id'");
  }

  @Test
  void stepsThatAreNotMapsOrHaveNoTextIdAreNamedByPosition() throws Exception {
    // Positions count from 1 in every message, whatever went wrong with the step.
    Plans.in(dir).file("V1__x.yaml", SQL_STEP + "  - just-a-string\n  - id: 5\n    type: sql\n    sql: SELECT 3\n");

    assertThat(rejected().errors()).containsExactly(
        at("V1__x.yaml", 5) + "step '#2': expected a map with 'id' and 'type'",
        at("V1__x.yaml", 6) + "step '#3' key 'id': expected letters, digits, '.', '_' or '-' (got 5)");
  }

  @Test
  void stepWithoutTypeIsReported() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: a\n    sql: SELECT 1\n");

    assertThat(rejected().errors()).containsExactly(at("V1__x.yaml", 2) + "step 'a': missing key 'type'");
  }

  @Test
  void unknownTopLevelKeyIsReported() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "stepz: []\n" + SQL_STEP);

    assertThat(rejected().errors()).containsExactly(
        at("V1__x.yaml", 1) + "unknown key 'stepz' (a plan file holds 'steps' and an optional 'description')");
  }

  @Test
  void stepsMustBeANonEmptyList() throws Exception {
    Plans.in(dir)
        .file("V1__text.yaml", "steps: hello\n")
        .file("V2__empty.yaml", "description: nothing yet\nsteps: []\n")
        .file("V3__comment.yaml", "# only a comment\n");

    assertThat(rejected().errors()).containsExactly(
        at("V1__text.yaml", 1) + "key 'steps': expected a non-empty list of steps",
        at("V2__empty.yaml", 2) + "key 'steps': expected a non-empty list of steps",
        at("V3__comment.yaml", 1) + "expected a map with 'steps:' at the top");
  }

  @Test
  void sqlStepWithBothSqlAndFileIsRefused() throws Exception {
    Plans.in(dir).file("V1__x.yaml", SQL_STEP + "    file: a.sql\n").file("a.sql", "SELECT 2");

    assertThat(rejected().errors())
        .containsExactly(at("V1__x.yaml", 5) + "step 'a' key 'file': give exactly one of 'sql' or 'file'");
  }

  @Test
  void sqlStepWithNeitherSqlNorFileIsRefused() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: a\n    type: sql\n    undo: SELECT 1\n");

    assertThat(rejected().errors())
        .containsExactly(at("V1__x.yaml", 2) + "step 'a' key 'sql': give exactly one of 'sql' or 'file'");
  }

  @Test
  void missingSqlFileIsReportedOnce() throws Exception {
    // The file is checked for each database; one missing file is still one problem.
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: a\n    type: sql\n    file: sql/missing.sql\n");

    assertThat(rejected().errors())
        .containsExactly(at("V1__x.yaml", 4) + "step 'a' key 'file': no such file: " + dir.resolve("sql/missing.sql"));
  }

  @Test
  void missingFlywayFolderIsReported() throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: fw\n    type: flyway\n    locations: db/migration\n");

    assertThat(rejected().errors()).containsExactly(
        at("V1__x.yaml", 4) + "step 'fw' key 'locations': no such folder: " + dir.resolve("db/migration"));
  }

  @Test
  void emptyPlanDirectoryIsRefused() throws Exception {
    Files.writeString(dir.resolve("README.txt"), "not a plan file");

    Cli.Result run = rejected();
    String problem = dir + ": no plan files (V<version>__<description>.yaml)";
    assertThat(run.errors()).containsExactly(problem);
    assertPlanInvalidJson(cli().run("run", "--json"), problem);
  }

  @Test
  void nonexistentPlanDirectoryIsRefused() throws Exception {
    Path missing = dir.resolve("no-such-plans");

    Cli.Result run = Cli.withoutDatabase(missing).run("run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.errors()).containsExactly("plan directory not found: " + missing);

    JsonNode json = Cli.withoutDatabase(missing).run("run", "--json").json();
    assertThat(json.get("ok").asBoolean()).isFalse();
    assertThat(json.at("/error/code").asText()).isEqualTo("PLAN_INVALID");
    assertThat(json.at("/error/exitCode").asInt()).isEqualTo(2);
    assertThat(json.at("/error/message").asText()).isEqualTo("plan directory not found: " + missing);
  }

  @Test
  void everyProblemInTheDirectoryIsReportedNotJustTheFirst() throws Exception {
    // Problems of all kinds in four files: file names, keys, values, and what only the step type can check.
    Plans.in(dir)
        .file("V1__a.yaml", "steps:\n  - id: a\n    type: nope\n")
        .file("V2__b.yaml", "steps:\n  - id: b\n    type: sql\n    file: missing.sql\n")
        .file("V3_c.yaml", SQL_STEP.replace("id: a", "id: c"))
        .file("V4__d.yaml", "steps:\n  - id: d\n    type: neuron-seed\n    count: 0\n    colour: red\n");

    Cli.Result run = rejected();
    List<String> expected = List.of(
        at("V1__a.yaml", 3) + "step 'a' key 'type': unknown step type \"nope\" (known: embedding, flyway, health, neuron-seed, neuron-state, rollout, scale, sql)",
        dir.resolve("V3_c.yaml") + ": bad file name: expected V<version>__<description>.yaml, e.g. V2__seed_neurons.yaml",
        at("V4__d.yaml", 4) + "step 'd' key 'count': expected a positive integer, got 0",
        at("V4__d.yaml", 5) + "step 'd': unknown key 'colour' for type neuron-seed (known: count, seed, table, batch-size, max-rows-per-second, max-replication-lag, max-commit-ms, throttle-query, throttle-above)",
        at("V2__b.yaml", 4) + "step 'b' key 'file': no such file: " + dir.resolve("missing.sql"));
    assertThat(run.errors()).containsExactlyInAnyOrderElementsOf(expected);

    JsonNode json = cli().run("run", "--json").json();
    assertThat(json.at("/error/message").asText()).isEqualTo("plan " + dir + " is invalid (5 problems)");
    assertThat(texts(json.at("/error/details"))).containsExactlyInAnyOrderElementsOf(expected);
  }

  @OnBothDatabases
  void aRefusedPlanLeavesARealDatabaseEmpty(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__x.yaml", SQL_STEP + "    sqll: SELECT 2\n");

    Cli.Result run = new Cli(db, dir).run("run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.errors()).singleElement().asString().endsWith("unknown key 'sqll' for type sql (known: sql, file, undo, transaction)");
    assertThat(db.tables()).as("not even the engine's own tables").isEmpty();
  }

  @OnBothDatabases
  void validateOnAGoodPlanCreatesNoTables(TestDatabase db) throws Exception {
    Plans.in(dir).withReferenceSchema().seed("2", "seed", 10, 5);

    Cli.Result validate = new Cli(db, dir).run("validate");
    assertThat(validate.exit()).as(validate.toString()).isZero();
    assertThat(validate.out()).contains("Valid: 2 version(s), 2 step(s)");
    assertThat(db.tables()).isEmpty();
  }

  /** {@code run} refused with exit 2 and the database left exactly as it was: empty. */
  private Cli.Result rejected() throws Exception {
    Cli.Result run = cli().run("run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.out()).as(run.toString()).isEmpty();
    Cli.Result validate = cli().run("validate");
    assertThat(validate.exit()).as(validate.toString()).isEqualTo(2);
    assertThat(validate.errors()).isEqualTo(run.errors());
    return run;
  }

  private Cli cli() {
    return Cli.withoutDatabase(dir);
  }

  private void assertPlanInvalidJson(Cli.Result result, String... problems) {
    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    JsonNode json = result.json();
    assertThat(json.get("ok").asBoolean()).isFalse();
    assertThat(json.get("command").asText()).isEqualTo("run");
    assertThat(json.at("/error/code").asText()).isEqualTo("PLAN_INVALID");
    assertThat(json.at("/error/exitCode").asInt()).isEqualTo(2);
    assertThat(json.at("/error/message").asText())
        .isEqualTo("plan " + dir + " is invalid (" + problems.length + (problems.length == 1 ? " problem)" : " problems)"));
    assertThat(texts(json.at("/error/details"))).containsExactly(problems);
    assertThat(result.err()).as("--json: the document says it all").isEmpty();
  }

  private String at(String file, int line) {
    return dir.resolve(file) + ":" + line + ": ";
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }
}
