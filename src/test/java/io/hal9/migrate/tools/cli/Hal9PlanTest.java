package io.hal9.migrate.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.engine.internal.steps.state.Hal9LayerTransform;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * plans/hal9, as an operator runs it: on its own sample data (both databases), and on a database laid out by
 * HAL9's initial schema (UUID keys, settings JSONB, triggers, a partitioned table) with V2 deleted. Each neuron
 * lands on the layer HAL9's rules give it, its settings take the hierarchical shape, each memory gets its
 * all-MiniLM-L6-v2 vector in place, and rolling back puts every settings document, layer and memory back exactly.
 */
class Hal9PlanTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PLAN = Path.of("plans/hal9");

  @TempDir Path dir;

  @OnBothDatabases
  void sampleDataMigratesByHal9sRulesAndRollsBackExactly(TestDatabase db) throws Exception {
    Cli cli = new Cli(db, copy(true));
    Cli.Result sample = cli.run("run", "--target", "2");
    assertThat(sample.exit()).as(sample.toString()).isZero();
    Map<String, String> before = settings(db);
    assertThat(before).hasSize(10_000);

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertMigratedByHal9sRules(db, before);
    assertThat(db.queryLong("SELECT count(*) FROM memories")).isEqualTo(5000);
    assertThat(embeddingDimensions(db)).containsExactly("384|5000");

    Cli.Result rollback = cli.run("rollback", "--to", "2");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(settings(db)).isEqualTo(before);
    assertThat(db.queryLong("SELECT count(*) FROM neurons WHERE layer <> 'L2'")).isZero();
    assertThat(db.queryLong("SELECT count(*) FROM memories WHERE embedding IS NOT NULL")).isZero();
  }

  /** HAL9's schema is PostgreSQL's (PL/pgSQL triggers, a partitioned table). */
  @Test
  void aDatabaseLaidOutByHal9sOwnSchemaMigratesInPlace() throws Exception {
    try (TestDatabase db = TestDatabase.postgres()) {
      migratesHal9sOwnLayout(db);
    }
  }

  private void migratesHal9sOwnLayout(TestDatabase db) throws Exception {
    db.execute(Files.readString(Path.of("src/test/resources/hal9/initial_schema.sql")));
    Map<String, String> before = settings(db);
    Cli cli = new Cli(db, copy(false));

    Cli.Result run = cli.run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertMigratedByHal9sRules(db, before);
    assertThat(db.queryRows("SELECT settings->'metadata'->>'original_id', layer FROM neurons ORDER BY 1"))
        .containsExactly("n-1|L1", "n-2|L4", "n-3|L1", "n-4|L2", "n-5|L4");
    // HAL9's own momentum is kept; a neuron without one gets HAL9's 0.9.
    assertThat(db.queryRows("SELECT settings->'metadata'->>'original_id', settings->'learning'->>'momentum' FROM neurons"
        + " WHERE settings->'metadata'->>'original_id' IN ('n-1', 'n-2') ORDER BY 1")).containsExactly("n-1|0.9", "n-2|0.7");
    // In place, one vector per memory with content; the empty one has none. HAL9's triggers ran on the updates.
    assertThat(db.queryRows("SELECT neuron_id, array_length(embedding, 1), search_vector IS NOT NULL FROM memories ORDER BY 1"))
        .containsExactly("n-1|384|t", "n-2|384|t", "n-3|384|t", "n-4|null|t");
    assertThat(db.queryLong("SELECT count(*) FROM neurons WHERE updated_at > created_at")).isEqualTo(5);
    assertThat(db.queryLong("SELECT count(*) FROM signals")).isEqualTo(1);

    Cli.Result rollback = cli.run("rollback", "--to", "1");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(settings(db)).isEqualTo(before);
    assertThat(db.queryLong("SELECT count(*) FROM memories WHERE embedding IS NOT NULL")).isZero();
  }

  /** Every neuron at settings version 2, hierarchical, on the layer HAL9's rules give its flat settings. */
  private static void assertMigratedByHal9sRules(TestDatabase db, Map<String, String> flat) throws SQLException, IOException {
    Map<String, String> after = settings(db);
    Map<String, String> layers = new TreeMap<>();
    for (String row : db.queryRows("SELECT id, layer, settings_version FROM neurons")) {
      String[] parts = row.split("\\|");
      assertThat(parts[2]).as("settings version of " + parts[0]).isEqualTo("2");
      layers.put(parts[0], parts[1]);
    }
    for (Map.Entry<String, String> neuron : flat.entrySet()) {
      JsonNode before = JSON.readTree(neuron.getValue());
      JsonNode now = JSON.readTree(after.get(neuron.getKey()));
      assertThat(layers.get(neuron.getKey())).as("layer of " + neuron.getValue()).isEqualTo(expectedLayer(before));
      assertThat(now.has("cognitive") && now.has("learning") && now.has("metadata")).as(now.toString()).isTrue();
      assertThat(now.at("/metadata/original_type").asText()).isEqualTo(before.path("neuron_type").asText());
      assertThat(now.has("neuron_type") || now.has("activation") || now.has("weights")).as(now.toString()).isFalse();
    }
  }

  /** HAL9's rules (HAL9-REFERENCE.md): by type first, else by average response time, then connections. */
  private static String expectedLayer(JsonNode flat) {
    String type = flat.path("neuron_type").asText();
    if (Hal9LayerTransform.TYPE_LAYERS.containsKey(type)) {
      return Hal9LayerTransform.TYPE_LAYERS.get(type);
    }
    BigDecimal response = flat.hasNonNull("avg_response_time") ? flat.get("avg_response_time").decimalValue() : null;
    BigDecimal connections = flat.hasNonNull("connection_count") ? flat.get("connection_count").decimalValue() : BigDecimal.ZERO;
    return Hal9LayerTransform.byBehaviour(response, connections);
  }

  private static Map<String, String> settings(TestDatabase db) throws SQLException {
    Map<String, String> settings = new TreeMap<>();
    for (String row : db.queryRows("SELECT id, settings FROM neurons")) {
      int bar = row.indexOf('|');
      settings.put(row.substring(0, bar), row.substring(bar + 1));
    }
    return settings;
  }

  private static List<String> embeddingDimensions(TestDatabase db) throws SQLException {
    String dimensions = db.isPostgres() ? "array_length(embedding, 1)" : "CARDINALITY(embedding)";
    return db.queryRows("SELECT d, count(*) FROM (SELECT " + dimensions + " d FROM memories) m GROUP BY d");
  }

  /** plans/hal9, with or without its sample data (V2), as an operator would copy it. */
  private Path copy(boolean withSample) throws IOException {
    Plans plans = Plans.in(dir.resolve("hal9"));
    try (Stream<Path> files = Files.list(PLAN)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        if (withSample || !file.getFileName().toString().startsWith("V2__")) {
          plans.copy(file, file.getFileName().toString());
        }
      }
    }
    return plans.path();
  }
}
