package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code --json} documents pipelines parse, whole: every key, in order, with its type. Only what differs from
 * run to run (ids, times, durations, the operating-system user) is masked before comparing.
 */
class JsonShapesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> VARYING = Set.of("runId", "millis", "executionMillis", "installedOn", "installedBy",
      "updatedAt", "at", "run", "by");

  @TempDir Path dir;

  @OnBothDatabases
  void validateRunStatusHistoryAndRollback(TestDatabase db) throws Exception {
    Plans.in(dir)
        .file("V1__create_colours.yaml", """
            steps:
              - id: create-colours
                type: sql
                sql: CREATE TABLE colours (id INT PRIMARY KEY, name VARCHAR(20))
                undo: DROP TABLE colours
            """)
        .file("V2__add_colours.yaml", """
            steps:
              - id: add-colours
                type: sql
                sql: INSERT INTO colours VALUES (1, 'red'), (2, 'green')
                undo: DELETE FROM colours
            """);
    Cli cli = new Cli(db, dir);

    assertShape(cli.run("validate", "--json"), """
        {"ok": true, "command": "validate", "versions": [
          {"version": "1", "description": "create colours", "state": "pending", "steps": [
            {"id": "create-colours", "type": "sql", "state": "pending", "rows": 0, "expected": null, "heldBy": null,
             "updatedAt": null, "attempts": 0, "error": null}]},
          {"version": "2", "description": "add colours", "state": "pending", "steps": [
            {"id": "add-colours", "type": "sql", "state": "pending", "rows": 0, "expected": null, "heldBy": null,
             "updatedAt": null, "attempts": 0, "error": null}]}],
         "lock": null, "paused": null}
        """);
    assertShape(cli.run("run", "--json"), """
        {"ok": true, "command": "run", "dryRun": false, "runId": "*", "versionsApplied": ["1", "2"], "steps": [
          {"version": "1", "id": "create-colours", "type": "sql", "state": "done", "rows": 0, "millis": "*"},
          {"version": "2", "id": "add-colours", "type": "sql", "state": "done", "rows": 2, "millis": "*"}]}
        """);
    assertShape(cli.run("status", "--json"), """
        {"ok": true, "command": "status", "versions": [
          {"version": "1", "description": "create colours", "state": "done", "steps": [
            {"id": "create-colours", "type": "sql", "state": "done", "rows": 0, "expected": null, "heldBy": null,
             "updatedAt": "*", "attempts": 1, "error": null}]},
          {"version": "2", "description": "add colours", "state": "done", "steps": [
            {"id": "add-colours", "type": "sql", "state": "done", "rows": 2, "expected": null, "heldBy": null,
             "updatedAt": "*", "attempts": 1, "error": null}]}],
         "lock": null, "paused": null}
        """);
    assertShape(cli.run("events", "--since", "1h", "--limit", "1", "--json"), """
        {"ok": true, "command": "events", "events": [
          {"id": 4, "at": "*", "type": "step_finished", "severity": "info", "version": "2", "step": "add-colours",
           "run": "*", "message": "done: 2 rows"}]}
        """);
    assertShape(cli.run("rollback", "--to", "1", "--json"), """
        {"ok": true, "command": "rollback", "to": "1", "versions": ["2"], "steps": ["add-colours"]}
        """);
    assertShape(cli.run("history", "--json"), """
        {"ok": true, "command": "history", "history": [
          {"rank": 1, "version": "1", "description": "create colours", "script": "V1__create_colours.yaml",
           "action": "apply", "checksum": "2f7d2866b28040d0d1da61097c217567b93e641c0aff54cf6148c4b0984a2a52",
           "runId": "*", "installedBy": "*", "installedOn": "*", "executionMillis": "*"},
          {"rank": 2, "version": "2", "description": "add colours", "script": "V2__add_colours.yaml",
           "action": "apply", "checksum": "53cf8ef6787842dd9c5c5b8b53e1bf1e0c0c156814526c432bbd887864a8e6de",
           "runId": "*", "installedBy": "*", "installedOn": "*", "executionMillis": "*"},
          {"rank": 3, "version": "2", "description": "add colours", "script": "V2__add_colours.yaml",
           "action": "rollback", "checksum": "53cf8ef6787842dd9c5c5b8b53e1bf1e0c0c156814526c432bbd887864a8e6de",
           "runId": "*", "installedBy": "*", "installedOn": "*", "executionMillis": "*"}]}
        """);
  }

  @OnBothDatabases
  void flagsAndTheRollout(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__canary.yaml", "steps:\n  - id: canary\n    type: rollout\n    phase: canary\n    bake: 1s\n"
        + "    interval: 1s\n    rollback-when: []\n");
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("run").exit()).isZero();

    assertShape(cli.run("flags", "set", "cognitive_layers", "10", "--json"), """
        {"ok": true, "command": "flags set", "phase": "canary", "traffic": {"hierarchical": 5, "flat": 95, "mirrored": false},
         "flags": {"cognitive_layers": {"enabled": true, "percentage": 10}, "hierarchical_routing": {"enabled": true, "percentage": 100}},
         "changes": ["flag cognitive_layers: unset -> on 10%"]}
        """);
    assertShape(cli.run("flags", "list", "--history", "1", "--json"), """
        {"ok": true, "command": "flags list", "phase": "canary", "traffic": {"hierarchical": 5, "flat": 95, "mirrored": false},
         "flags": {"cognitive_layers": {"enabled": true, "percentage": 10}, "hierarchical_routing": {"enabled": true, "percentage": 100}},
         "history": [{"id": 4, "at": "*", "subject": "flag cognitive_layers", "from": null, "to": "on 10%", "by": "*", "run": null,
                      "step": null, "reason": "flags set cognitive_layers 10"}]}
        """);
    assertShape(cli.run("rollout", "status", "--json"), """
        {"ok": true, "command": "rollout status", "phase": "canary", "traffic": {"hierarchical": 5, "flat": 95, "mirrored": false},
         "flags": {"cognitive_layers": {"enabled": true, "percentage": 10}, "hierarchical_routing": {"enabled": true, "percentage": 100}},
         "steps": [{"version": "1", "id": "canary", "state": "done", "bakedSeconds": 1, "bakeSeconds": 1, "readings": [], "error": null}]}
        """);
  }

  @OnBothDatabases
  void aWorkerAndAPartitionedStepsStatus(TestDatabase db) throws Exception {
    Plans.in(dir).withReferenceSchema().seed("2", "seed", 300, 100)
        .file("V3__state.yaml", "steps:\n  - id: state-v2\n    type: neuron-state\n    from-version: 1\n    to-version: 2\n"
            + "    partitions: 2\n    ops:\n      - multiply: {field: bias, by: 0.5}\n");
    Cli cli = new Cli(db, dir);
    assertThat(cli.run("run").exit()).isZero();

    assertShape(cli.run("worker", "--json"), """
        {"ok": true, "command": "worker", "runId": "*", "partitions": 0, "rows": 0, "ended": "the plans have nothing left to run"}
        """);
    JsonNode step = cli.run("status", "--json").json().at("/versions/2/steps/0");
    ((ObjectNode) step).remove(List.of("updatedAt", "counters"));
    step.get("partitions").forEach(p -> ((ObjectNode) p).put("owner", p.get("owner").asText().replaceAll("pid \\d+", "pid *")));
    assertThat(step.toPrettyString()).isEqualTo(JSON.readTree("""
        {"id": "state-v2", "type": "neuron-state", "state": "done", "rows": 300, "expected": 300, "heldBy": null, "attempts": 1,
         "error": null, "partitions": [
           {"number": 1, "undo": false, "state": "done", "rows": 150, "expected": 150, "owner": "%1$s pid *", "leaseUntil": null,
            "leaseExpired": false, "claims": 1},
           {"number": 2, "undo": false, "state": "done", "rows": 150, "expected": 150, "owner": "%1$s pid *", "leaseUntil": null,
            "leaseExpired": false, "claims": 1}]}
        """.formatted(io.hal9.migrate.checkpoints.RunLock.host())).toPrettyString());
  }

  @OnBothDatabases
  void anErrorIsItsCodeMessageExitCodeAndDetails(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: a\n    type: sql\n    sqll: SELECT 1\n");

    Cli.Result refused = new Cli(db, dir).run("run", "--json");
    assertThat(refused.exit()).isEqualTo(2);
    assertShape(refused, """
        {"ok": false, "command": "run", "error": {
          "code": "PLAN_INVALID", "message": "plan %1$s is invalid (1 problem)", "exitCode": 2, "details": [
            "%1$s/V1__x.yaml:4: step 'a': unknown key 'sqll' for type sql (known: sql, file, undo, transaction)"]}}
        """.formatted(dir));
  }

  /** {@code dashboard} serves until stopped: its first line, {"ok":true,"command":"dashboard","url":...}, is StatusPageTest's. */
  @Test
  void aDashboardThatCannotServeIsAUsageError() throws Exception {
    try (TestDatabase db = TestDatabase.h2(); ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Plans.in(dir).file("V1__x.yaml", "steps:\n  - id: a\n    type: sql\n    sql: SELECT 1\n");
      int port = busy.getLocalPort();
      Cli.Result refused = new Cli(db, dir).run("dashboard", "--port", String.valueOf(port), "--json");
      assertThat(refused.exit()).isEqualTo(2);
      assertShape(refused, """
          {"ok": false, "command": "dashboard", "error": {
            "code": "USAGE", "message": "--port %1$d: cannot serve on 127.0.0.1:%1$d: Address already in use", "exitCode": 2,
            "details": []}}
          """.formatted(port));
    }
  }

  private static void assertShape(Cli.Result result, String expected) throws Exception {
    JsonNode actual = masked(result.json());
    assertThat(actual.toPrettyString()).as(result.toString()).isEqualTo(JSON.readTree(expected).toPrettyString());
  }

  /** The document with every varying value replaced by "*", so the rest compares exactly. */
  private static JsonNode masked(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (VARYING.contains(name) && !object.get(name).isNull()) {
          object.put(name, "*");
        } else {
          masked(object.get(name));
        }
      }
    } else if (node.isArray()) {
      node.forEach(JsonShapesTest::masked);
    }
    return node;
  }
}
