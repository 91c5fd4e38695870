package io.hal9.migrate.engine.internal.steps.state;

import static io.hal9.migrate.engine.internal.steps.state.StateFixture.assertJson;
import static io.hal9.migrate.engine.internal.steps.state.StateFixture.assertState;
import static io.hal9.migrate.engine.internal.steps.state.StateFixture.layersAndVersions;
import static io.hal9.migrate.engine.internal.steps.state.StateFixture.states;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rollback} of neuron-state steps: every changed row restored exactly from the snapshots (state, version,
 * layer), the step's snapshots and rejects gone, and a later run applying the step once more, not twice.
 */
class NeuronStateRollbackTest {
  @TempDir Path dir;

  @OnBothDatabases
  void rollbackRestoresEveryRowExactlyAndAnotherRunMultipliesOnce(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "L0", "sensor", 1, "{\"activation\": 1.37, \"threshold\": 0.50, \"bias\": 0.31, \"legacy\": \"x\", "
            + "\"weights\": {\"17\": 0.31}}")
        .row(2, "L0", "worker", 1, "{\"activation\": -0.5, \"threshold\": 0.1, \"bias\": -0.0638, \"memory\": null}")
        .row(3, "L5", "planner", 2, "{\"bias\": 1}")
        .row(4, "L0", "reflex", 1, "{\"activation\": \"high\", \"bias\": 1}")
        .row(5, "L0", "coordinator", 1, "{\"bias\": 2.5}")
        .step("from-version: 1\nto-version: 2\nbatch-size: 2\non-invalid: skip\nops:\n" + StateFixture.DEMO_OPS);
    Cli cli = new Cli(db, dir);
    Map<Long, String> before = originalStates();
    List<String> layersBefore = List.of("1|L0|1", "2|L0|1", "3|L5|2", "4|L0|1", "5|L0|1");

    Cli.Result first = cli.run("run");
    assertThat(first.exit()).as(first.toString()).isZero();
    assertMigratedOnce(db);
    // Snapshots of the rows the step changed: not of the skipped row 3, nor of the rejected row 4.
    assertThat(snapshotKeys(db)).containsExactly("[1]", "[2]", "[5]");
    assertThat(rejects(db)).isEqualTo(1);

    // Undone in batches of 2 from the three snapshots.
    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    Map<Long, String> after = states(db);
    assertThat(after.keySet()).containsExactlyElementsOf(before.keySet());
    before.forEach((id, state) -> assertJson(after.get(id), state, "restored state of row " + id));
    assertThat(layersAndVersions(db)).containsExactlyElementsOf(layersBefore);
    assertThat(snapshots(db)).isZero();
    assertThat(rejects(db)).isZero();
    JsonNode version = cli.run("status", "--json").json().at("/versions/1");
    assertThat(version.get("state").asText()).isEqualTo("rolled_back");
    assertThat(version.at("/steps/0/state").asText()).isEqualTo("rolled_back");
    assertThat(db.queryRows("SELECT version, action FROM hal9_history ORDER BY installed_rank"))
        .containsExactly("1|apply", "2|apply", "2|rollback");

    // Applied again from the restored rows: multiplied once, and the counters start afresh.
    Cli.Result again = cli.run("run");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertMigratedOnce(db);
    assertThat(snapshots(db)).isEqualTo(3);
    assertThat(rejects(db)).isEqualTo(1);
    assertThat(cli.run("status", "--json").json().at("/versions/1/steps/0/counters").toString())
        .isEqualTo("{\"migrated\":3,\"skipped\":1,\"rejected\":1}");
  }

  /** The states V1 inserts (V1 and V2 run in one command, so there is no moment to read them between). */
  @OnBothDatabases
  void snapshotsKeptBeforeCheckpointFormatV4AreUpgradedAndStillRollBackExactly(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "L0", "sensor", 1, "{\"activation\": 1.37, \"threshold\": 0.50, \"bias\": 0.31, \"weights\": {\"17\": 0.31}}")
        .row(2, "L0", "worker", 1, "{\"activation\": -0.5, \"threshold\": 0.1, \"bias\": -0.0638, \"memory\": null}")
        .row(5, "L3", "coordinator", 1, "{\"bias\": 2.5}")
        // Row by row, as every snapshot was then (PostgreSQL's pushdown keeps a batch's as one record since).
        .step("from-version: 1\nto-version: 2\nbatch-size: 2\npushdown: false\nops:\n" + StateFixture.DEMO_OPS);
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("run", "--target", "1").exit()).isZero();
    Map<Long, String> before = states(db);
    Cli.Result first = cli.run("run");
    assertThat(first.exit()).as(first.toString()).isZero();
    checkpointFormatV3(db);

    // Reading does not upgrade; the rollback, which writes, does, and restores every row from the old columns.
    assertThat(cli.run("status").exit()).isZero();
    assertThat(db.queryRows("SELECT \"version\" FROM \"hal9_schema_history\" ORDER BY \"installed_rank\"")).endsWith("3");
    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    Map<Long, String> after = states(db);
    before.forEach((id, state) -> assertJson(after.get(id), state, "restored state of row " + id));
    assertThat(layersAndVersions(db)).containsExactly("1|L0|1", "2|L0|1", "5|L3|1");
    assertThat(db.queryRows("SELECT \"version\" FROM \"hal9_schema_history\" ORDER BY \"installed_rank\"")).endsWith("4", "5", "6", "7", "8");
  }

  /** The checkpoint tables as format V3 left them: a neuron snapshot in three columns, no undo record column. */
  private static void checkpointFormatV3(TestDatabase db) throws Exception {
    List<String> rows = db.queryRows("SELECT step_id, row_key, before_value FROM hal9_snapshots");
    assertThat(rows).hasSize(3);
    db.execute("ALTER TABLE hal9_snapshots ADD COLUMN old_state VARCHAR(1000000)");
    db.execute("ALTER TABLE hal9_snapshots ADD COLUMN old_version INT");
    db.execute("ALTER TABLE hal9_snapshots ADD COLUMN old_layer VARCHAR(64)");
    try (java.sql.Connection c = db.connect();
        java.sql.PreparedStatement old = c.prepareStatement(
            "UPDATE hal9_snapshots SET old_state = ?, old_version = ?, old_layer = ? WHERE step_id = ? AND row_key = ?")) {
      for (String row : rows) {
        String[] parts = row.split("\\|", 3);
        JsonNode snapshot = new com.fasterxml.jackson.databind.ObjectMapper().readTree(parts[2]);
        old.setString(1, snapshot.get("state").asText());
        old.setInt(2, snapshot.get("version").asInt());
        old.setString(3, snapshot.get("layer").asText());
        old.setString(4, parts[0]);
        old.setString(5, parts[1]);
        assertThat(old.executeUpdate()).isEqualTo(1);
      }
    }
    db.execute("ALTER TABLE hal9_snapshots DROP COLUMN before_value");
    db.execute("ALTER TABLE hal9_steps DROP COLUMN undo_record");
    db.execute("ALTER TABLE hal9_steps DROP COLUMN rows_expected");
    db.execute("ALTER TABLE hal9_steps DROP COLUMN held_by");
    db.execute("ALTER TABLE hal9_lock DROP COLUMN paused_at");
    db.execute("ALTER TABLE hal9_lock DROP COLUMN paused_by");
    db.execute("DROP TABLE hal9_events");
    for (String table : List.of("hal9_routing", "hal9_flags", "hal9_routing_history", "hal9_partitions")) {
      db.execute("DROP TABLE " + table);
    }
    db.execute("DELETE FROM \"hal9_schema_history\" WHERE \"version\" IN ('4', '5', '6', '7', '8')");
  }

  private Map<Long, String> originalStates() {
    return new TreeMap<>(Map.of(
        1L, "{\"activation\": 1.37, \"threshold\": 0.50, \"bias\": 0.31, \"legacy\": \"x\", \"weights\": {\"17\": 0.31}}",
        2L, "{\"activation\": -0.5, \"threshold\": 0.1, \"bias\": -0.0638, \"memory\": null}",
        3L, "{\"bias\": 1}",
        4L, "{\"activation\": \"high\", \"bias\": 1}",
        5L, "{\"bias\": 2.5}"));
  }

  private static void assertMigratedOnce(TestDatabase db) throws Exception {
    assertState(db, 1, "{\"activation\": 1.0, \"firing_threshold\": 0.50, \"bias\": 0.155, \"weights\": {\"17\": 0.31}, "
        + "\"health\": {\"latency_ms\": 0}, \"memory\": []}");
    assertState(db, 2, "{\"activation\": 0.0, \"firing_threshold\": 0.1, \"bias\": -0.03190, \"memory\": [], "
        + "\"health\": {\"latency_ms\": 0}}");
    assertState(db, 3, "{\"bias\": 1}");
    assertState(db, 4, "{\"activation\": \"high\", \"bias\": 1}");
    assertState(db, 5, "{\"bias\": 1.25, \"health\": {\"latency_ms\": 0}, \"memory\": []}");
    assertThat(layersAndVersions(db)).containsExactly("1|L1|2", "2|L2|2", "3|L5|2", "4|L0|1", "5|L2|2");
  }

  @OnBothDatabases
  void rollbackOfATextColumnRestoresTheOriginalTextToTheByte(TestDatabase db) throws Exception {
    // Spacing and key order are the user's; a text column must get them back unchanged.
    String odd = "{ \"bias\" :0.50,\n\"a\":  {\"z\": 1, \"b\": 2} }";
    StateFixture.in(dir).stateColumn("TEXT", "VARCHAR(2000)")
        .row(1, "L0", "sensor", 1, odd)
        .row(2, "L3", "worker", 1, "{\"bias\":-1.0}")
        .step("from-version: 1\nto-version: 2\nops:\n" + StateFixture.DEMO_OPS);
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("run").exit()).isZero();
    assertThat(layersAndVersions(db)).containsExactly("1|L1|2", "2|L2|2");

    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(states(db)).containsExactly(Map.entry(1L, odd), Map.entry(2L, "{\"bias\":-1.0}"));
    assertThat(layersAndVersions(db)).containsExactly("1|L0|1", "2|L3|1");
  }

  @OnBothDatabases
  void rollbackAfterAFailedRunRestoresTheCommittedBatches(TestDatabase db) throws Exception {
    StateFixture.in(dir).stateColumn("TEXT", "VARCHAR(2000)")
        .row(1, "{\"bias\": 0.5}")
        .row(2, "{\"bias\": 0.5}")
        .row(3, "{\"bias\": 0.5")
        .step("from-version: 1\nto-version: 2\nbatch-size: 2\nops:\n" + StateFixture.opLines("multiply: {field: bias, by: 0.5}"));
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("run").exit()).isEqualTo(1);
    assertThat(layersAndVersions(db)).containsExactly("1|L0|2", "2|L0|2", "3|L0|1");

    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(states(db)).containsExactly(
        Map.entry(1L, "{\"bias\": 0.5}"), Map.entry(2L, "{\"bias\": 0.5}"), Map.entry(3L, "{\"bias\": 0.5"));
    assertThat(layersAndVersions(db)).containsExactly("1|L0|1", "2|L0|1", "3|L0|1");
    assertThat(snapshots(db)).isZero();

    db.execute("UPDATE neurons SET state = '{\"bias\": 0.5}' WHERE id = 3");
    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    for (long id = 1; id <= 3; id++) {
      assertState(db, id, "{\"bias\": 0.25}");
    }
  }

  @OnBothDatabases
  void rollbackLeavesARejectedRowAsTheUserFixedIt(TestDatabase db) throws Exception {
    // The step never changed row 2, so rolling it back must not put back the invalid state it once saw.
    StateFixture.in(dir)
        .row(1, "{\"activation\": 2}")
        .row(2, "{\"activation\": \"high\"}")
        .step("from-version: 1\nto-version: 2\non-invalid: skip\nops:\n"
            + StateFixture.opLines("clamp: {field: activation, max: 1}"));
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("run").exit()).isZero();
    assertThat(snapshotKeys(db)).containsExactly("[1]");
    // H2 takes a JSON literal as a JSON string unless told FORMAT JSON.
    db.execute("UPDATE neurons SET state = '{\"activation\": 0.9}'" + (db.isPostgres() ? "" : " FORMAT JSON") + " WHERE id = 2");

    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertState(db, 1, "{\"activation\": 2}");
    assertState(db, 2, "{\"activation\": 0.9}");
    assertThat(layersAndVersions(db)).containsExactly("1|L0|1", "2|L0|1");
  }

  @OnBothDatabases
  void rollbackRefusesAStepWithoutSnapshotsAndChangesNothing(TestDatabase db) throws Exception {
    StateFixture.in(dir)
        .row(1, "L0", "sensor", 1, "{\"bias\": 0.31}")
        .step("from-version: 1\nto-version: 2\nsnapshot: false\nops:\n" + StateFixture.DEMO_OPS);
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("run").exit()).isZero();
    assertThat(snapshots(db)).as("snapshot: false keeps none").isZero();

    Cli.Result refused = cli.run("rollback", "--to", "1", "--json");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.json().at("/error/code").asText()).isEqualTo("ROLLBACK_REFUSED");
    assertThat(refused.json().at("/error/message").asText())
        .contains(StateFixture.STEP_FILE + ":2 step 'state-v2'", "neuron-state", "has no undo", "nothing was changed");
    assertState(db, 1, "{\"bias\": 0.155, \"health\": {\"latency_ms\": 0}, \"memory\": []}");
    assertThat(layersAndVersions(db)).containsExactly("1|L1|2");
    assertThat(db.queryRows("SELECT step_id, state FROM hal9_steps ORDER BY step_id"))
        .containsExactly("create-neurons|done", "state-v2|done");
  }

  private static long snapshots(TestDatabase db) throws Exception {
    return db.snapshottedRows("state-v2");
  }

  private static List<String> snapshotKeys(TestDatabase db) throws Exception {
    return db.snapshottedKeys("state-v2").stream().sorted().toList();
  }

  private static long rejects(TestDatabase db) throws Exception {
    return db.queryLong("SELECT count(*) FROM hal9_rejects WHERE step_id = 'state-v2'");
  }
}
