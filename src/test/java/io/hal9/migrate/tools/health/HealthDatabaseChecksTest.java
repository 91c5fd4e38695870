package io.hal9.migrate.tools.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TimeZone;
import org.junit.jupiter.api.io.TempDir;

/** The checks that read the database: round trip, the neuron table, checkpoint lag; on H2 and PostgreSQL. */
class HealthDatabaseChecksTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @OnBothDatabases
  void databaseRoundTripIsMeasuredAndHeldToItsLimit(TestDatabase db) throws Exception {
    CheckResult ok = check(db, "{\"check\":\"database\",\"max-latency-ms\":5000}");
    CheckResult slow = check(db, "{\"check\":\"database\",\"max-latency-ms\":0.001}");

    assertThat(ok.status()).isEqualTo(CheckStatus.OK);
    assertThat((Double) ok.measured().get("latencyMs")).isPositive();
    assertThat(slow.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(slow.message()).matches("round trip \\d+\\.\\d+ ms > max 0\\.001 ms");
  }

  @OnBothDatabases
  void neuronsAreCountedPerLayerAndProbedUnderTheirLatencyLimit(TestDatabase db) throws Exception {
    seed(db, 3000);
    db.execute("UPDATE neurons SET layer = 'L3' WHERE MOD(id, 3) = 0");
    db.execute("UPDATE neurons SET layer = 'L5' WHERE MOD(id, 10) = 0");

    CheckResult neurons = check(db, "{\"check\":\"neurons\",\"required\":[\"activation\",\"weights\"],\"sample\":50,\"max-latency-ms\":1000}");

    assertThat(neurons.status()).as(neurons.message()).isEqualTo(CheckStatus.OK);
    assertThat(neurons.measured().get("neurons")).isEqualTo(3000L);
    assertThat(neurons.measured().get("layers")).isEqualTo(layersIn(db));
    assertThat(layersIn(db)).hasSize(3);
    assertThat(neurons.measured().get("invalid")).isEqualTo(0L);
    assertThat(neurons.measured().get("probes")).isEqualTo(50);
    assertThat(neurons.message()).startsWith("3,000 neurons on 3 layers, 0 invalid; probe p99 ");
  }

  /** HAL9's own neurons are keyed by UUID; others by several columns: the scan and the probes work on both. */
  @OnBothDatabases
  void neuronsKeyedByUuidOrSeveralColumnsAreScannedAndProbedByTheirKey(TestDatabase db) throws Exception {
    String json = db.isPostgres() ? "JSONB" : "JSON";
    String format = db.isPostgres() ? "" : " FORMAT JSON";
    db.execute("CREATE TABLE hal9_neurons (id UUID PRIMARY KEY, layer VARCHAR(10), settings " + json + ")");
    db.execute("CREATE TABLE tenant_neurons (tenant VARCHAR(10), n INT, layer VARCHAR(10), state " + json
        + ", PRIMARY KEY (tenant, n))");
    StringBuilder uuids = new StringBuilder();
    StringBuilder tenants = new StringBuilder();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 2500; i++) {
      String state = i == 1234 ? "'{\"weights\": {}}'" : "'{\"activation\": 0.5}'";
      uuids.append(i == 0 ? "" : ", ").append("('").append(new java.util.UUID(random.nextLong(), random.nextLong()))
          .append("', 'L2', ").append(state).append(format).append(")");
      tenants.append(i == 0 ? "" : ", ").append("('").append(i % 2 == 0 ? "acme" : "Zeta").append("', ").append(i / 2)
          .append(", 'L3', ").append(state).append(format).append(")");
    }
    db.execute("INSERT INTO hal9_neurons VALUES " + uuids);
    db.execute("INSERT INTO tenant_neurons VALUES " + tenants);
    String required = ",\"required\":[\"activation\"],\"sample\":40,\"max-latency-ms\":1000}";

    CheckResult byUuid = check(db, "{\"check\":\"neurons\",\"table\":\"hal9_neurons\",\"state-column\":\"settings\"" + required);
    CheckResult byTenant = check(db, "{\"check\":\"neurons\",\"table\":\"tenant_neurons\",\"id-column\":[\"tenant\",\"n\"]"
        + required);

    for (CheckResult result : java.util.List.of(byUuid, byTenant)) {
      assertThat(result.status()).as(result.message()).isEqualTo(CheckStatus.FAILED);
      assertThat(result.measured().get("neurons")).isEqualTo(2500L);
      assertThat(result.measured().get("invalid")).isEqualTo(1L);
      assertThat(result.measured().get("probes")).isEqualTo(40);
    }
    String uuid = db.queryString("SELECT id FROM hal9_neurons WHERE CAST(settings AS VARCHAR) LIKE '%weights%'");
    assertThat(byUuid.message()).isEqualTo("1 invalid state > max 0 (id=" + uuid + ": lacks activation)");
    assertThat(byTenant.message()).isEqualTo("1 invalid state > max 0 ((tenant, n)=(acme, 617): lacks activation)");
  }

  @OnBothDatabases
  void neuronsWhoseStateIsNotJsonOrLacksARequiredFieldFail(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE raw_neurons (nid BIGINT PRIMARY KEY, tier VARCHAR(8), doc TEXT)");
    db.execute("INSERT INTO raw_neurons VALUES (1, 'L1', '{\"activation\":0.5,\"cognitive\":{\"threshold\":0.2}}'),"
        + " (2, 'L1', '{\"activation\":'), (3, 'L2', '{\"cognitive\":{}}'), (4, 'L2', '[1,2]'),"
        + " (5, NULL, '{\"activation\":0.1,\"cognitive\":{\"threshold\":0.3}}')");
    String check = "{\"check\":\"neurons\",\"table\":\"raw_neurons\",\"id-column\":\"nid\",\"layer-column\":\"tier\","
        + "\"state-column\":\"doc\",\"required\":[\"activation\",\"cognitive.threshold\"],\"max-latency-ms\":1000";

    CheckResult strict = check(db, check + "}");
    CheckResult tolerant = check(db, check + ",\"max-invalid\":3}");

    assertThat(strict.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(strict.message()).isEqualTo("3 invalid states > max 0 (nid=2: not valid JSON; nid=3: lacks activation, "
        + "cognitive.threshold; nid=4: not a JSON object)");
    assertThat(strict.measured().get("layers")).isEqualTo(Map.of("(none)", 1L, "L1", 2L, "L2", 2L));
    assertThat(JSON.writeValueAsString(strict.toMap())).contains("\"(none)\":1");
    assertThat(tolerant.status()).isEqualTo(CheckStatus.OK);
  }

  @OnBothDatabases
  void probesSlowerThanTheLimitFail(TestDatabase db) throws Exception {
    seed(db, 200);

    CheckResult neurons = check(db, "{\"check\":\"neurons\",\"max-latency-ms\":0.001}");

    assertThat(neurons.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(neurons.message()).matches("probe p99 \\d+\\.\\d+ ms > max 0\\.001 ms");
  }

  @OnBothDatabases
  void missingNeuronTableFailsNamingIt(TestDatabase db) throws Exception {
    CheckResult neurons = check(db, "{\"check\":\"neurons\",\"table\":\"no_such_neurons\"}");

    assertThat(neurons.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(neurons.message()).startsWith("cannot read no_such_neurons: ");
  }

  @OnBothDatabases
  void aRunningStepWithoutRecentCheckpointsIsAStalledRunner(TestDatabase db) throws Exception {
    assertThat(check(db, "{\"check\":\"checkpoint-lag\"}").status()).isEqualTo(CheckStatus.SKIPPED);
    Plans.in(dir).file("V1__t.yaml", "steps:\n  - id: make-t\n    type: sql\n    sql: CREATE TABLE t (x INT)\n");
    assertThat(new Cli(db, dir).run("run").exit()).isZero();

    CheckResult done = check(db, "{\"check\":\"checkpoint-lag\",\"max-lag-seconds\":300}");
    db.execute("UPDATE hal9_steps SET state = 'running', updated_at = LOCALTIMESTAMP");
    CheckResult fresh = check(db, "{\"check\":\"checkpoint-lag\",\"max-lag-seconds\":300}");
    db.execute("UPDATE hal9_steps SET updated_at = updated_at - INTERVAL '1' HOUR");
    CheckResult stalled = check(db, "{\"check\":\"checkpoint-lag\",\"max-lag-seconds\":300}");

    assertThat(done.status()).isEqualTo(CheckStatus.OK);
    assertThat(done.message()).isEqualTo("no step running");
    assertThat(fresh.status()).isEqualTo(CheckStatus.OK);
    assertThat(stalled.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(stalled.message()).matches("step 'make-t' \\(version 1, running\\) 36\\d\\d s since its last checkpoint > max 300 s: "
        + "its runner is stalled or dead");
  }

  @OnBothDatabases
  void lagIsReadOnOneClockWhateverTheRunnersTimeZone(TestDatabase db) throws Exception {
    Plans.in(dir).file("V1__t.yaml", "steps:\n  - id: make-t\n    type: sql\n    sql: CREATE TABLE t (x INT)\n");
    TimeZone original = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata")); // the runner's machine, 5.5 h ahead of UTC
      assertThat(new Cli(db, dir).run("run").exit()).isZero();
    } finally {
      TimeZone.setDefault(original);
    }
    db.execute("UPDATE hal9_steps SET state = 'running', updated_at = updated_at - INTERVAL '1' HOUR");

    CheckResult stalled;
    try (HealthTarget target = HealthTarget.connecting(db.url(), null, null)) {
      stalled = HealthReport.run(HealthChecks.parse(JSON.readTree("[{\"check\":\"checkpoint-lag\"}]"), dir,
          (index, key, message) -> {
            throw new AssertionError(message);
          }), target).results().get(0);
    }

    assertThat(stalled.status()).isEqualTo(CheckStatus.FAILED);
    assertThat(stalled.message()).matches("step 'make-t' \\(version 1, running\\) 36\\d\\d s since its last checkpoint > max 300 s: .*");
  }

  private void seed(TestDatabase db, int count) {
    Plans.in(dir).withReferenceSchema().seed("2", "seed", count, 1000);
    Cli.Result run = new Cli(db, dir).run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
  }

  private static Map<String, Long> layersIn(TestDatabase db) throws Exception {
    Map<String, Long> layers = new LinkedHashMap<>();
    for (String row : db.queryRows("SELECT layer, COUNT(*) FROM neurons GROUP BY layer ORDER BY layer")) {
      String[] parts = row.split("\\|");
      layers.put(parts[0], Long.parseLong(parts[1]));
    }
    return layers;
  }

  private CheckResult check(TestDatabase db, String check) throws Exception {
    try (HealthTarget target = HealthTarget.of(db.dataSource())) {
      return HealthReport.run(HealthChecks.parse(JSON.readTree("[" + check + "]"), dir, (index, key, message) -> {
        throw new AssertionError(message);
      }), target).results().get(0);
    }
  }
}
