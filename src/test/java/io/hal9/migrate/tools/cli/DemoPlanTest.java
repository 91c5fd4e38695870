package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;

/** The demo plan end to end through the CLI: run, status --json, rollback --to 2 (V6 to V3), run again. */
class DemoPlanTest {

  @OnBothDatabases
  void runsTheDemoReportsItAndRollsBackItsIndex(TestDatabase db) throws Exception {
    Cli cli = new Cli(db, Plans.DEMO);

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.queryLong("SELECT count(DISTINCT id) FROM neurons")).isEqualTo(50_000);
    assertThat(db.hasIndex("neurons_kind_layer")).isTrue();

    JsonNode status = cli.run("status", "--json").json();
    assertThat(status.get("ok").asBoolean()).isTrue();
    assertThat(status.get("versions")).hasSize(6);
    for (JsonNode version : status.get("versions")) {
      assertThat(version.get("state").asText()).isEqualTo("done");
      assertThat(version.has("version") && version.has("description") && version.has("steps")).isTrue();
      for (JsonNode step : version.get("steps")) {
        assertThat(step.fieldNames()).toIterable().contains("id", "type", "state", "rows");
      }
    }
    JsonNode seed = status.get("versions").get(1).get("steps").get(0);
    assertThat(seed.get("id").asText()).isEqualTo("seed-neurons");
    assertThat(seed.get("type").asText()).isEqualTo("neuron-seed");
    assertThat(seed.get("rows").asLong()).isEqualTo(50_000);

    assertThat(db.queryLong("SELECT count(*) FROM neurons WHERE state_version = 2")).isEqualTo(50_000);
    assertThat(db.queryLong("SELECT count(*) FROM neuron_embeddings WHERE model = 'ngram-hash' AND dim = 256")).isEqualTo(50_000);
    JsonNode gate = status.get("versions").get(5).get("steps").get(0);
    assertThat(gate.get("type").asText()).isEqualTo("health");
    assertThat(db.queryString("SELECT counters FROM hal9_steps WHERE step_id = 'post-migration-health'"))
        .contains("\"healthy\":true", "\"neurons\":50000", "\"invalid\":0");

    Cli.Result rollback = cli.run("rollback", "--to", "2");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(db.hasIndex("neurons_kind_layer")).isFalse();
    assertThat(db.queryLong("SELECT count(*) FROM neurons")).isEqualTo(50_000);
    assertThat(db.queryLong("SELECT count(*) FROM neurons WHERE state_version = 1 AND layer = 'L2'")).isEqualTo(50_000);
    JsonNode after = cli.run("status", "--json").json().get("versions");
    assertThat(after.get(1).get("state").asText()).isEqualTo("done");
    assertThat(after.get(2).get("state").asText()).isEqualTo("rolled_back");
    assertThat(after.get(3).get("state").asText()).isEqualTo("rolled_back");
    assertThat(after.get(4).get("state").asText()).isEqualTo("rolled_back");
    assertThat(after.get(5).get("state").asText()).isEqualTo("rolled_back");
    assertThat(db.queryLong("SELECT count(*) FROM neuron_embeddings")).isZero();
    assertThat(db.queryRows("SELECT version, action FROM hal9_history ORDER BY installed_rank"))
        .containsExactly("1|apply", "2|apply", "3|apply", "4|apply", "5|apply", "6|apply", "6|rollback", "5|rollback", "4|rollback",
            "3|rollback");

    Cli.Result rerun = cli.run("run");
    assertThat(rerun.exit()).as(rerun.toString()).isZero();
    assertThat(db.hasIndex("neurons_kind_layer")).isTrue();
  }
}
