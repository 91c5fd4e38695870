package io.hal9.migrate.engine.internal.steps.state;

import static io.hal9.migrate.engine.internal.steps.state.StateFixture.assertState;
import static io.hal9.migrate.engine.internal.steps.state.StateFixture.layersAndVersions;
import static io.hal9.migrate.engine.internal.steps.state.StateFixture.state;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

/**
 * The neuron-state step through the CLI: each op on handwritten rows with exact expected documents, missing
 * fields, the three kinds of state column, custom transforms, other versions, invalid rows and bad step
 * definitions.
 */
class NeuronStateStepTest {
  @TempDir Path dir;

  // ---- each op alone

  @OnBothDatabases
  void renameMovesTopLevelAndNestedFields(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"threshold\": 0.50, \"a\": {\"b\": {\"deep\": true}, \"x\": 2}, \"label\": \"keep\"}")
        .row(2, "{\"threshold\": 0.7, \"a\": {\"b\": 3}}")
        .row(3, "{\"a\": {\"b\": 1}, \"c\": {\"e\": 2}}")
        .ops("rename: {from: threshold, to: firing_threshold}", "rename: {from: a.b, to: c.d}");

    runs(db);
    assertState(db, 1, "{\"firing_threshold\": 0.50, \"a\": {\"x\": 2}, \"c\": {\"d\": {\"deep\": true}}, \"label\": \"keep\"}");
    // The emptied parent stays; the new parent is created, or joined when it exists.
    assertState(db, 2, "{\"firing_threshold\": 0.7, \"a\": {}, \"c\": {\"d\": 3}}");
    assertState(db, 3, "{\"a\": {}, \"c\": {\"e\": 2, \"d\": 1}}");
    assertThat(layersAndVersions(db)).containsExactly("1|L0|2", "2|L0|2", "3|L0|2");
  }

  @OnBothDatabases
  void clampRaisesLowValuesLowersHighOnesAndKeepsTheRestDigitForDigit(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"activation\": -0.2}")
        .row(2, "{\"activation\": 1.7}")
        .row(3, "{\"activation\": 0.73}")
        .row(4, "{\"activation\": 0}")
        .row(5, "{\"activation\": 1.00}")
        .ops("clamp: {field: activation, min: 0.0, max: 1.0}");

    runs(db);
    assertState(db, 1, "{\"activation\": 0.0}");
    assertState(db, 2, "{\"activation\": 1.0}");
    assertState(db, 3, "{\"activation\": 0.73}");
    // On the bounds: inside, so not rewritten.
    assertState(db, 4, "{\"activation\": 0}");
    assertState(db, 5, "{\"activation\": 1.00}");
  }

  @OnBothDatabases
  void clampWithOnlyAMinimumLeavesLargeValuesAndReachesNestedFields(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"stats\": {\"rate\": -3}}")
        .row(2, "{\"stats\": {\"rate\": 5.5}}")
        .row(3, "{\"stats\": {\"rate\": 1000000}}")
        .ops("clamp: {field: stats.rate, min: 0}");

    runs(db);
    assertState(db, 1, "{\"stats\": {\"rate\": 0}}");
    assertState(db, 2, "{\"stats\": {\"rate\": 5.5}}");
    assertState(db, 3, "{\"stats\": {\"rate\": 1000000}}");
  }

  @OnBothDatabases
  void multiplyIsExactDecimalArithmetic(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"bias\": 0.31, \"weights\": {\"17\": 0.31, \"42\": -0.2}}")
        .row(2, "{\"bias\": -0.0638}")
        .row(3, "{\"bias\": 4}")
        .ops("multiply: {field: bias, by: 0.5}", "multiply: {field: weights.17, by: 2}");

    runs(db);
    // Binary floating point would give 0.155 only by luck and -0.0319 at best; BigDecimal keeps the scale.
    assertState(db, 1, "{\"bias\": 0.155, \"weights\": {\"17\": 0.62, \"42\": -0.2}}");
    assertState(db, 2, "{\"bias\": -0.03190}");
    assertState(db, 3, "{\"bias\": 2.0}");
  }

  @OnBothDatabases
  void setOverwritesAndCreatesMissingParents(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"a\": 1}")
        .row(2, "{\"health\": {\"ok\": true}}")
        .row(3, "{\"health\": {\"latency_ms\": 12}}")
        .row(4, "{\"health\": null}")
        .ops("set: {field: health.latency_ms, value: 0}", "set: {field: meta, value: {origin: v1, tags: [a, b]}}");

    runs(db);
    String meta = "\"meta\": {\"origin\": \"v1\", \"tags\": [\"a\", \"b\"]}";
    assertState(db, 1, "{\"a\": 1, \"health\": {\"latency_ms\": 0}, " + meta + "}");
    assertState(db, 2, "{\"health\": {\"ok\": true, \"latency_ms\": 0}, " + meta + "}");
    assertState(db, 3, "{\"health\": {\"latency_ms\": 0}, " + meta + "}");
    // A null parent is replaced by an object, as a missing one is created.
    assertState(db, 4, "{\"health\": {\"latency_ms\": 0}, " + meta + "}");
  }

  @OnBothDatabases
  void defaultFillsMissingAndNullValuesButKeepsPresentOnes(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{}")
        .row(2, "{\"memory\": [\"x\"], \"health\": {\"retries\": 0}}")
        .row(3, "{\"memory\": null}")
        .row(4, "{\"memory\": []}")
        .ops("default: {field: memory, value: []}", "default: {field: health.retries, value: 3}");

    runs(db);
    assertState(db, 1, "{\"memory\": [], \"health\": {\"retries\": 3}}");
    assertState(db, 2, "{\"memory\": [\"x\"], \"health\": {\"retries\": 0}}");
    assertState(db, 3, "{\"memory\": [], \"health\": {\"retries\": 3}}");
    assertState(db, 4, "{\"memory\": [], \"health\": {\"retries\": 3}}");
  }

  @OnBothDatabases
  void removeDropsTopLevelAndNestedFields(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"legacy\": \"x\", \"health\": {\"debug\": true, \"ok\": 1}}")
        .row(2, "{\"legacy\": null, \"keep\": 1}")
        .ops("remove: {field: legacy}", "remove: {field: health.debug}");

    runs(db);
    assertState(db, 1, "{\"health\": {\"ok\": 1}}");
    assertState(db, 2, "{\"keep\": 1}");
  }

  @OnBothDatabases
  void layerMapFromAColumnUsesTheDefaultForUnmappedKinds(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "L0", "sensor", 1, "{\"a\": 1}")
        .row(2, "L0", "worker", 1, "{\"a\": 2}")
        .row(3, "L0", "planner", 1, "{\"a\": 3}")
        .row(4, "L0", "reflex", 1, "{\"a\": 4}")
        .ops("layer-map: {from: kind, map: {sensor: L1, worker: L2, planner: L3}, default: L2}");

    runs(db);
    assertThat(layersAndVersions(db)).containsExactly("1|L1|2", "2|L2|2", "3|L3|2", "4|L2|2");
    assertState(db, 4, "{\"a\": 4}");
  }

  @OnBothDatabases
  void layerMapWithoutDefaultKeepsTheLayerOfUnmappedKinds(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "L0", "sensor", 1, "{}")
        .row(2, "L7", "reflex", 1, "{}")
        .ops("layer-map: {from: kind, map: {sensor: L1}}");

    runs(db);
    assertThat(layersAndVersions(db)).containsExactly("1|L1|2", "2|L7|2");
  }

  @OnBothDatabases
  void layerMapFromAStateFieldReadsTheDocument(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "L0", "worker", 1, "{\"neuron_type\": \"sensor\"}")
        .row(2, "L0", "worker", 1, "{\"neuron_type\": \"planner\"}")
        .row(3, "L0", "worker", 1, "{\"neuron_type\": \"other\"}")
        .row(4, "L0", "worker", 1, "{\"neuron_type\": null}")
        .row(5, "L0", "worker", 1, "{}")
        .ops("layer-map: {from: state.neuron_type, map: {sensor: L1, planner: L3}, default: L9}");

    runs(db);
    assertThat(layersAndVersions(db)).containsExactly("1|L1|2", "2|L3|2", "3|L9|2", "4|L9|2", "5|L9|2");
    assertState(db, 1, "{\"neuron_type\": \"sensor\"}");
  }

  // ---- missing fields

  @OnBothDatabases
  void missingFieldsAreLeftAloneByRenameClampMultiplyAndRemove(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"other\": 1, \"a\": {\"x\": 2}}")
        .row(2, "{\"a\": 5}")
        .row(3, "{}")
        .row(4, "{\"activation\": null, \"bias\": null}")
        .ops("rename: {from: threshold, to: firing_threshold}", "rename: {from: a.b, to: c.d}",
            "clamp: {field: activation, min: 0, max: 1}", "clamp: {field: a.b, min: 0}",
            "multiply: {field: bias, by: 0.5}", "multiply: {field: a.b, by: 2}",
            "remove: {field: legacy}", "remove: {field: a.b}");

    Cli cli = runs(db);
    // Nothing to do is not an error: the documents stay as they were (a scalar parent or a JSON null
    // counts as missing), and the rows move to the new version.
    assertState(db, 1, "{\"other\": 1, \"a\": {\"x\": 2}}");
    assertState(db, 2, "{\"a\": 5}");
    assertState(db, 3, "{}");
    assertState(db, 4, "{\"activation\": null, \"bias\": null}");
    assertThat(layersAndVersions(db)).containsExactly("1|L0|2", "2|L0|2", "3|L0|2", "4|L0|2");
    assertThat(counters(cli)).isEqualTo(Map.of("migrated", 4L, "skipped", 0L, "rejected", 0L));
  }

  // ---- state column types

  @OnBothDatabases
  void stateAsJsonbOnPostgresqlAndJsonOnH2(TestDatabase db) throws Exception {
    demoOpsOnColumn(db, "JSONB", "JSON");
  }

  @OnBothDatabases
  void stateAsText(TestDatabase db) throws Exception {
    demoOpsOnColumn(db, "TEXT", "VARCHAR(2000)");
  }

  @OnBothDatabases
  void stateAsJsonOnPostgresqlAndClobOnH2(TestDatabase db) throws Exception {
    demoOpsOnColumn(db, "JSON", "CLOB");
  }

  /** The demo plan's ops on reference v1 documents give the same v2 documents whatever the column type. */
  private void demoOpsOnColumn(TestDatabase db, String onPostgres, String onH2) throws Exception {
    StateFixture.in(dir).stateColumn(onPostgres, onH2)
        .row(1, "L0", "worker", 1, "{\"activation\": 1.37, \"threshold\": 0.5, \"bias\": -0.1, "
            + "\"weights\": {\"17\": 0.31, \"42\": -0.2}, \"label\": \"route L3 signals to planner\", "
            + "\"memory\": [\"x\"], \"legacy\": true}")
        .row(2, "L0", "sensor", 1, "{\"activation\": -0.25, \"threshold\": 0.25, \"bias\": 0.125, "
            + "\"weights\": {}, \"label\": \"a\", \"memory\": null}")
        .step("from-version: 1\nto-version: 2\nops:\n" + StateFixture.DEMO_OPS);

    runs(db);
    assertState(db, 1, "{\"activation\": 1.0, \"firing_threshold\": 0.5, \"bias\": -0.05, "
        + "\"weights\": {\"17\": 0.31, \"42\": -0.2}, \"label\": \"route L3 signals to planner\", "
        + "\"memory\": [\"x\"], \"health\": {\"latency_ms\": 0}}");
    assertState(db, 2, "{\"activation\": 0.0, \"firing_threshold\": 0.25, \"bias\": 0.0625, "
        + "\"weights\": {}, \"label\": \"a\", \"memory\": [], \"health\": {\"latency_ms\": 0}}");
    assertThat(layersAndVersions(db)).containsExactly("1|L2|2", "2|L1|2");
  }

  // ---- custom transforms

  @OnBothDatabases
  void customTransformRunsAfterTheOpsAndMayChangeTheLayer(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"activation\": 1.5, \"promote\": true}")
        .row(2, "{\"activation\": 0.2}")
        .step("from-version: 1\nto-version: 2\ntransform: " + PromotingTransform.class.getName() + "\nops:\n"
            + StateFixture.opLines("clamp: {field: activation, max: 1.0}"));

    runs(db);
    // seen_activation is what the transform saw: the clamped value.
    assertState(db, 1, "{\"activation\": 1.0, \"promote\": true, \"transformed_key\": \"1\", \"seen_activation\": 1.0}");
    assertState(db, 2, "{\"activation\": 0.2, \"transformed_key\": \"2\", \"seen_activation\": 0.2}");
    assertThat(layersAndVersions(db)).containsExactly("1|L4|2", "2|L0|2");
  }

  @OnBothDatabases
  void customTransformAloneNeedsNoOps(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"promote\": true}")
        .step("from-version: 1\nto-version: 2\ntransform: " + PromotingTransform.class.getName() + "\n");

    runs(db);
    assertState(db, 1, "{\"promote\": true, \"transformed_key\": \"1\"}");
    assertThat(layersAndVersions(db)).containsExactly("1|L4|2");
  }

  @OnBothDatabases
  void customTransformRejectsARowWithItsOwnReason(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"broken\": \"no weights\"}")
        .row(2, "{}")
        .step("from-version: 1\nto-version: 2\non-invalid: skip\ntransform: " + PromotingTransform.class.getName() + "\n");

    runs(db);
    assertThat(rejects(db)).containsExactly("[1]|PromotingTransform refuses: no weights");
    assertState(db, 1, "{\"broken\": \"no weights\"}");
    assertThat(layersAndVersions(db)).containsExactly("1|L0|1", "2|L0|2");
  }

  @OnBothDatabases
  void unknownTransformClassIsAPlanErrorAndNothingIsWritten(TestDatabase db) throws Exception {
    StateFixture.in(dir).row(1, "{}").step("from-version: 1\nto-version: 2\ntransform: com.example.NoSuchTransform\n");

    assertThat(refused(db)).containsExactly(at(6) + "step 'state-v2' key 'transform': "
        + "class com.example.NoSuchTransform not found on the class path (add its jar to it)");
  }

  @OnBothDatabases
  void transformClassThatIsNoNeuronTransformIsAPlanError(TestDatabase db) throws Exception {
    StateFixture.in(dir).row(1, "{}").step("from-version: 1\nto-version: 2\ntransform: java.lang.StringBuilder\n");

    assertThat(refused(db)).containsExactly(at(6) + "step 'state-v2' key 'transform': "
        + "class java.lang.StringBuilder does not implement io.hal9.migrate.engine.spi.NeuronTransform");
  }

  // ---- versions and counters

  @OnBothDatabases
  void rowsAtOtherVersionsAreUntouchedAndCountedAsSkipped(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "L0", "sensor", 1, "{\"bias\": 0.5}")
        .row(2, "L0", "sensor", 0, "{\"bias\": 0.5}")
        .row(3, "L0", "sensor", 2, "{\"bias\": 0.5}")
        .row(4, "L0", "sensor", 1, "{\"bias\": 0.5}")
        .row(5, "L0", "sensor", 3, "{\"bias\": 0.5}")
        .row(6, "L0", "sensor", 1, "{\"bias\": 0.5}")
        .step("from-version: 1\nto-version: 2\nbatch-size: 2\nops:\n"
            + StateFixture.opLines("multiply: {field: bias, by: 0.5}", "layer-map: {from: kind, map: {sensor: L1}}"));

    Cli cli = runs(db);
    assertThat(layersAndVersions(db)).containsExactly("1|L1|2", "2|L0|0", "3|L0|2", "4|L1|2", "5|L0|3", "6|L1|2");
    for (long id : new long[] {1, 4, 6}) {
      assertState(db, id, "{\"bias\": 0.25}");
    }
    for (long id : new long[] {2, 3, 5}) {
      assertState(db, id, "{\"bias\": 0.5}");
    }

    // Counts add up over the three batches; rows are every row read.
    assertThat(counters(cli)).isEqualTo(Map.of("migrated", 3L, "skipped", 3L, "rejected", 0L));
    assertThat(step(cli).get("rows").asLong()).isEqualTo(6);
    assertThat(step(cli).get("state").asText()).isEqualTo("done");
    Cli.Result status = cli.run("status");
    assertThat(status.out()).contains("(migrated 3, skipped 3, rejected 0)");
  }

  // ---- invalid rows

  @OnBothDatabases
  void onInvalidFailStopsNamingTheKeyAndKeepsEarlierBatches(TestDatabase db) throws Exception {
    // Only a text column can hold a state that is not JSON.
    StateFixture.in(dir).stateColumn("TEXT", "VARCHAR(2000)")
        .row(1, "{\"bias\": 0.5}")
        .row(2, "{\"bias\": 0.5}")
        .row(3, "{\"bias\": 0.5}")
        .row(4, "{\"bias\": 0.5")
        .row(5, "{\"bias\": 0.5}")
        .step("from-version: 1\nto-version: 2\nbatch-size: 2\non-invalid: fail\nops:\n"
            + StateFixture.opLines("multiply: {field: bias, by: 0.5}"));
    Cli cli = new Cli(db, dir);

    Cli.Result failed = cli.run("run", "--json");
    assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.json().at("/error/code").asText()).isEqualTo("STEP_FAILED");
    assertThat(failed.json().at("/error/message").asText())
        .contains("step 'state-v2'", "row id=4", "state is not valid JSON", "on-invalid: skip", "the checkpoint is kept");

    // The first batch (1, 2) is committed; the failing one (3, 4) is not, and neither is anything after it.
    assertThat(layersAndVersions(db)).containsExactly("1|L0|2", "2|L0|2", "3|L0|1", "4|L0|1", "5|L0|1");
    assertState(db, 1, "{\"bias\": 0.25}");
    assertState(db, 3, "{\"bias\": 0.5}");
    assertThat(state(db, 4)).isEqualTo("{\"bias\": 0.5");
    assertThat(db.queryRows("SELECT state, cursor_value, rows_done FROM hal9_steps WHERE step_id = 'state-v2'"))
        .containsExactly("failed|[2]|2");
    assertThat(rejects(db)).isEmpty();

    // Fixed by hand, the step resumes after the checkpoint: the first batch is not halved again.
    db.execute("UPDATE neurons SET state = '{\"bias\": 0.5}' WHERE id = 4");
    Cli.Result resumed = cli.run("run");
    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    for (long id = 1; id <= 5; id++) {
      assertState(db, id, "{\"bias\": 0.25}");
    }
    assertThat(counters(cli)).isEqualTo(Map.of("migrated", 5L, "skipped", 0L, "rejected", 0L));
  }

  @OnBothDatabases
  void onInvalidSkipRecordsKeyAndReasonAndGoesOn(TestDatabase db) throws Exception {
    StateFixture.in(dir).stateColumn("TEXT", "VARCHAR(2000)")
        .row(1, "{\"bias\": 0.5}")
        .row(2, "{\"bias\": ")
        .row(3, "[1, 2]")
        .row(4, "{\"bias\": 0.5}")
        .step("from-version: 1\nto-version: 2\nbatch-size: 2\non-invalid: skip\nops:\n"
            + StateFixture.opLines("multiply: {field: bias, by: 0.5}"));

    Cli cli = runs(db);
    assertThat(rejects(db)).hasSize(2);
    assertThat(rejects(db).get(0)).startsWith("[2]|state is not valid JSON");
    assertThat(rejects(db).get(1)).isEqualTo("[3]|state is not a JSON object");
    // Rejected rows are untouched, to the byte.
    assertThat(state(db, 2)).isEqualTo("{\"bias\": ");
    assertThat(state(db, 3)).isEqualTo("[1, 2]");
    assertThat(layersAndVersions(db)).containsExactly("1|L0|2", "2|L0|1", "3|L0|1", "4|L0|2");
    assertState(db, 4, "{\"bias\": 0.25}");
    assertThat(counters(cli)).isEqualTo(Map.of("migrated", 2L, "skipped", 0L, "rejected", 2L));
    assertThat(step(cli).get("state").asText()).isEqualTo("done");
  }

  @OnBothDatabases
  void clampOfATextValueIsAnInvalidRowEvenInAJsonColumn(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"activation\": 0.5}")
        .row(2, "{\"activation\": \"high\"}")
        .ops("clamp: {field: activation, min: 0, max: 1}");
    Cli cli = new Cli(db, dir);

    Cli.Result failed = cli.run("run", "--json");
    assertThat(failed.exit()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.json().at("/error/code").asText()).isEqualTo("STEP_FAILED");
    assertThat(failed.json().at("/error/message").asText()).contains("row id=2", "'activation' is string, not a number");
    // One batch: nothing of it is written.
    assertThat(layersAndVersions(db)).containsExactly("1|L0|1", "2|L0|1");
  }

  @OnBothDatabases
  void opsThatCannotApplyRejectTheRowUnderSkip(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "{\"activation\": \"high\"}")
        .row(2, "{\"health\": 5}")
        .row(3, "{\"activation\": 2, \"health\": {}}")
        .step("from-version: 1\nto-version: 2\non-invalid: skip\nops:\n"
            + StateFixture.opLines("clamp: {field: activation, max: 1}", "set: {field: health.latency_ms, value: 0}"));

    Cli cli = runs(db);
    assertThat(rejects(db)).containsExactly(
        "[1]|'activation' is string, not a number",
        "[2]|'health.latency_ms': 'health' is number, not an object");
    assertState(db, 1, "{\"activation\": \"high\"}");
    assertState(db, 2, "{\"health\": 5}");
    assertState(db, 3, "{\"activation\": 1, \"health\": {\"latency_ms\": 0}}");
    assertThat(layersAndVersions(db)).containsExactly("1|L0|1", "2|L0|1", "3|L0|2");
    assertThat(counters(cli)).isEqualTo(Map.of("migrated", 1L, "skipped", 0L, "rejected", 2L));
  }

  // ---- bad step definitions

  @OnBothDatabases
  void unknownOpIsAPlanErrorListingTheKnownOnes(TestDatabase db) throws Exception {
    StateFixture.in(dir).row(1, "{}").ops("frobnicate: {field: a}");

    assertThat(refused(db)).containsExactly(at(6) + "step 'state-v2' key 'ops': op #1 (frobnicate): unknown operation "
        + "(known: clamp, default, layer-map, multiply, remove, rename, set)");
  }

  @OnBothDatabases
  void opMissingAFieldIsAPlanError(TestDatabase db) throws Exception {
    StateFixture.in(dir).row(1, "{}").ops("clamp: {min: 0, max: 1}", "rename: {from: a}", "multiply: {field: bias}");

    assertThat(refused(db)).containsExactly(
        at(6) + "step 'state-v2' key 'ops': op #1 (clamp): missing 'field'",
        at(6) + "step 'state-v2' key 'ops': op #2 (rename): missing 'to'",
        at(6) + "step 'state-v2' key 'ops': op #3 (multiply): missing 'by'");
  }

  @OnBothDatabases
  void clampWithMinAboveMaxIsAPlanError(TestDatabase db) throws Exception {
    StateFixture.in(dir).row(1, "{}").ops("clamp: {field: activation, min: 1, max: 0}");

    assertThat(refused(db)).containsExactly(at(6) + "step 'state-v2' key 'ops': op #1 (clamp): 'min' 1 is above 'max' 0");
  }

  @OnBothDatabases
  void onInvalidMustBeFailOrSkip(TestDatabase db) throws Exception {
    StateFixture.in(dir).row(1, "{}")
        .step("from-version: 1\nto-version: 2\non-invalid: maybe\nops:\n" + StateFixture.opLines("remove: {field: a}"));

    assertThat(refused(db)).containsExactly(at(6) + "step 'state-v2' key 'on-invalid': expected fail or skip, got 'maybe'");
  }

  @OnBothDatabases
  void fromVersionEqualToToVersionIsAPlanError(TestDatabase db) throws Exception {
    StateFixture.in(dir).row(1, "{}")
        .step("from-version: 2\nto-version: 2\nops:\n" + StateFixture.opLines("remove: {field: a}"));

    assertThat(refused(db)).containsExactly(at(5) + "step 'state-v2' key 'to-version': must differ from 'from-version' (2)");
  }

  // ---- helpers

  /** Runs the plan, expecting success. */
  private Cli runs(TestDatabase db) {
    Cli cli = new Cli(db, dir);
    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    return cli;
  }

  /** {@code run} refused as PLAN_INVALID (exit 2) before anything was written; its error lines. */
  private List<String> refused(TestDatabase db) throws Exception {
    Cli cli = new Cli(db, dir);
    Cli.Result json = cli.run("run", "--json");
    assertThat(json.exit()).as(json.toString()).isEqualTo(2);
    assertThat(json.json().at("/error/code").asText()).isEqualTo("PLAN_INVALID");
    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(db.tables()).as("tables after a refused plan").isEmpty();
    return run.errors();
  }

  private String at(int line) {
    return dir.resolve(StateFixture.STEP_FILE) + ":" + line + ": ";
  }

  private static JsonNode step(Cli cli) {
    Cli.Result status = cli.run("status", "--json");
    assertThat(status.exit()).as(status.toString()).isZero();
    return status.json().at("/versions/1/steps/0");
  }

  private static Map<String, Long> counters(Cli cli) {
    JsonNode counters = step(cli).get("counters");
    assertThat(counters).as("counters").isNotNull();
    Map<String, Long> map = new HashMap<>();
    counters.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asLong()));
    return map;
  }

  static List<String> rejects(TestDatabase db) throws Exception {
    return db.queryRows("SELECT row_key, reason FROM hal9_rejects WHERE step_id = 'state-v2' ORDER BY row_key");
  }
}
