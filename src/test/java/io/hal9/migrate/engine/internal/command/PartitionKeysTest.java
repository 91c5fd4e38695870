package io.hal9.migrate.engine.internal.command;

import static io.hal9.migrate.engine.internal.command.PartitionFixture.assertDoubledOnce;
import static io.hal9.migrate.engine.internal.command.PartitionFixture.assertSplitAndDone;
import static io.hal9.migrate.engine.internal.command.PartitionFixture.sqlStep;
import static io.hal9.migrate.engine.internal.command.PartitionFixture.stateStep;
import static io.hal9.migrate.engine.internal.command.PartitionFixture.table;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.engine.internal.command.PartitionFixture.Part;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partitioned steps run by the runner over the key shapes users have (BIGINT, UUID, a tenant with a BIGINT or a
 * UUID, a schema-qualified table), skewed keys, fewer rows than partitions and none, and an embedding step writing in
 * place: every row is migrated exactly once and as the same step without partitions migrates its copy, and the
 * partitions split the key space by rank into contiguous ranges of about equal rows.
 */
class PartitionKeysTest {
  private static final String[] TENANTS = {"acme", "Zeta", "beta", "Alpha", "_under"};

  @TempDir Path dir;

  /** A table's key: its columns as SQL, primary key, the step's {@code key:}, and its rows' key literals. */
  enum Shape {
    BIGINT("id BIGINT", "id", "id"),
    UUID_KEY("id UUID", "id", "id"),
    TENANT_BIGINT("tenant VARCHAR(20), id BIGINT", "tenant, id", "[tenant, id]"),
    TENANT_UUID("tenant VARCHAR(20), id UUID", "tenant, id", "[tenant, id]"),
    SCHEMA_QUALIFIED("id BIGINT", "id", "id"),
    /** 90% of the rows dense in 1..N, the rest spread over gaps up to 10^15. */
    SKEWED_BIGINT("id BIGINT", "id", "id"),
    /** Most UUIDs sharing a prefix, the rest anywhere. */
    CLUSTERED_UUID("id UUID", "id", "id");

    final String columns;
    final String primaryKey;
    final String key;

    Shape(String columns, String primaryKey, String key) {
      this.columns = columns;
      this.primaryKey = primaryKey;
      this.key = key;
    }

    String table() {
      return this == SCHEMA_QUALIFIED ? "app.neurons" : "neurons_" + name().toLowerCase(java.util.Locale.ROOT);
    }

    String step() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Not a multiple of 4, so partitions differ by a row; more where the keys are skewed. */
    int rows() {
      return this == SKEWED_BIGINT || this == CLUSTERED_UUID ? 400 : 203;
    }

    List<String> keys(int rows, Random random) {
      List<String> keys = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        keys.add(switch (this) {
          case BIGINT, SCHEMA_QUALIFIED -> Long.toString(1000L * i + random.nextInt(999) - 50_000);
          case UUID_KEY -> "'" + new UUID(random.nextLong(), random.nextLong()) + "'";
          case TENANT_BIGINT -> "'" + TENANTS[i % TENANTS.length] + "', " + (random.nextInt(100) * 1000L + i);
          case TENANT_UUID -> "'" + TENANTS[i % TENANTS.length] + "', '" + new UUID(random.nextLong(), random.nextLong()) + "'";
          case SKEWED_BIGINT -> Long.toString(i < rows * 9 / 10 ? i + 1 : (i - rows * 9L / 10 + 1) * (1_000_000_000_000_000L / (rows / 10)));
          case CLUSTERED_UUID -> "'" + (i % 10 < 8 ? new UUID(0x0000_0000_0000_4000L, i)
              : new UUID(random.nextLong(), random.nextLong())) + "'";
        });
      }
      java.util.Collections.shuffle(keys, random);
      return keys;
    }
  }

  /**
   * Each shape's rows in two tables, one migrated by a step with 4 partitions, the other by the same step without
   * (all shapes in one plan, one database setup): both end alike, every row doubled once; 4 partitions of about
   * equal rows (within 10% for skewed keys too, as they split by rank), done.
   */
  @OnBothDatabases
  void everyRowOnceAsWithoutPartitions(TestDatabase db) throws Exception {
    try (db) {
      StringBuilder tables = new StringBuilder("CREATE SCHEMA app;\n");
      StringBuilder steps = new StringBuilder();
      for (Shape shape : Shape.values()) {
        List<String> keys = shape.keys(shape.rows(), new Random(11));
        tables.append(table(db, shape.table(), shape.columns, shape.primaryKey, keys))
            .append(table(db, shape.table() + "_plain", shape.columns, shape.primaryKey, keys));
        steps.append(stateStep(shape.step(), shape.table(), shape.key, 10, 4))
            .append(stateStep(shape.step() + "-whole", shape.table() + "_plain", shape.key, 10, 1));
      }
      Plans plans = Plans.in(dir).file("V1__neurons.yaml", "steps:\n" + sqlStep("create-neurons", tables.toString()));
      plans.file("V2__state.yaml", "steps:\n" + steps);
      Cli cli = new Cli(db, plans.path());
      Cli.Result run = cli.run("run");
      assertThat(run.exit()).as(run.toString()).isZero();

      JsonNode status = cli.run("status", "--json").json().at("/versions/1/steps");
      for (Shape shape : Shape.values()) {
        int rows = shape.rows();
        assertDoubledOnce(db, shape.table(), rows);
        String columns = shape.primaryKey + ", state, state_version, orig";
        assertThat(db.queryRows("SELECT " + columns + " FROM " + shape.table() + " ORDER BY " + shape.primaryKey)).as("%s", shape)
            .isEqualTo(db.queryRows("SELECT " + columns + " FROM " + shape.table() + "_plain ORDER BY " + shape.primaryKey));
        List<Part> parts = assertSplitAndDone(db, shape.step(), 4, rows);
        long most = parts.stream().mapToLong(Part::rows).max().orElseThrow();
        long least = parts.stream().mapToLong(Part::rows).min().orElseThrow();
        assertThat((double) most / least).as("%s: %s", shape, parts).isLessThanOrEqualTo(1.1);
        assertThat(db.queryRows("SELECT state, rows_done FROM hal9_steps WHERE step_id IN ('" + shape.step() + "', '"
            + shape.step() + "-whole')")).as("%s", shape).containsExactly("done|" + rows, "done|" + rows);
        assertThat(db.queryLong("SELECT count(*) FROM hal9_partitions WHERE step_id = '" + shape.step() + "-whole'")).isZero();
        assertThat(status.get(2 * shape.ordinal()).at("/counters/migrated").asLong())
            .as("%s: the partitions' counters summed", shape).isEqualTo(rows);
      }
    }
  }

  /** 3 rows in 8 partitions: one partition a row; no rows: one empty partition. Either way the step is done. */
  @OnBothDatabases
  void fewerRowsThanPartitionsAndNone(TestDatabase db) throws Exception {
    try (db) {
      List<String> three = List.of("7", "70000000000", "-3");
      Plans plans = Plans.in(dir).file("V1__neurons.yaml", "steps:\n" + sqlStep("create-neurons",
          table(db, "three", "id BIGINT", "id", three) + table(db, "none", "id BIGINT", "id", List.of())));
      plans.file("V2__state.yaml", "steps:\n" + stateStep("three-rows", "three", "id", 10, 8)
          + stateStep("no-rows", "none", "id", 10, 8));
      Cli cli = new Cli(db, plans.path());
      Cli.Result run = cli.run("run");
      assertThat(run.exit()).as(run.toString()).isZero();

      assertDoubledOnce(db, "three", 3);
      assertThat(assertSplitAndDone(db, "three-rows", 3, 3)).extracting(Part::upper).containsExactly("[-3]", "[7]", null);
      assertThat(assertSplitAndDone(db, "no-rows", 1, 0)).extracting(Part::lower).containsOnlyNulls();
      assertThat(db.queryRows("SELECT state, rows_done FROM hal9_steps WHERE step_id IN ('three-rows', 'no-rows') ORDER BY step_id"))
          .containsExactly("done|0", "done|3");
    }
  }

  /**
   * An embedding step writing ngram-hash vectors in place into a bytes column of memories keyed on random UUIDs,
   * with 4 partitions: every vector as the same step without partitions writes it into a copy of the table.
   */
  @OnBothDatabases
  void embeddingInPlaceAsWithoutPartitions(TestDatabase db) throws Exception {
    int rows = 150;
    try (db) {
      Random random = new Random(5);
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < rows; i++) {
        String content = i == 40 ? "NULL" : "'memory " + i + " of neuron n-" + (i % 9) + " route L" + (1 + i % 9) + "'";
        values.append(i == 0 ? "" : ",\n").append("  ('").append(new UUID(random.nextLong(), random.nextLong())).append("', ")
            .append(content).append(")");
      }
      String bytes = db.isPostgres() ? "BYTEA" : "VARBINARY";
      Plans plans = Plans.in(dir).file("V1__memories.yaml", "steps:\n" + sqlStep("create-memories",
          "CREATE TABLE memories (id UUID PRIMARY KEY, content VARCHAR(200), embedding " + bytes + ");\n"
              + "CREATE TABLE memories_plain (id UUID PRIMARY KEY, content VARCHAR(200), embedding " + bytes + ");\n"
              + "INSERT INTO memories (id, content) VALUES\n" + values + ";\n"
              + "INSERT INTO memories_plain SELECT * FROM memories;\n"));
      plans.file("V2__embed.yaml", "steps:\n" + embeddingStep("embed-parted", "memories", 4)
          + embeddingStep("embed-whole", "memories_plain", 1));
      Cli cli = new Cli(db, plans.path());
      Cli.Result run = cli.run("run");
      assertThat(run.exit()).as(run.toString()).isZero();

      String hex = db.isPostgres() ? "encode(embedding, 'hex')" : "RAWTOHEX(embedding)";
      List<String> parted = db.queryRows("SELECT CAST(id AS VARCHAR(36)), " + hex + " FROM memories ORDER BY id");
      assertThat(parted).hasSize(rows);
      assertThat(parted.stream().filter(r -> r.endsWith("|null"))).as("only the row without text has no vector").hasSize(1);
      assertThat(parted).isEqualTo(db.queryRows("SELECT CAST(id AS VARCHAR(36)), " + hex + " FROM memories_plain ORDER BY id"));
      assertSplitAndDone(db, "embed-parted", 4, rows);
      assertThat(db.queryRows("SELECT state, rows_done FROM hal9_steps WHERE step_id = 'embed-parted'")).containsExactly("done|" + rows);
      assertThat(cli.run("status", "--json").json().at("/versions/1/steps/0/counters/embedded").asLong()).isEqualTo(rows - 1);
    }
  }

  private static String embeddingStep(String id, String table, int partitions) {
    return "  - id: " + id + "\n    type: embedding\n    table: " + table + "\n    key: id\n    text: content\n"
        + "    target-column: embedding\n    model: ngram-hash\n    dimensions: 16\n    batch-size: 7\n"
        + (partitions > 1 ? "    partitions: " + partitions + "\n" : "");
  }
}
