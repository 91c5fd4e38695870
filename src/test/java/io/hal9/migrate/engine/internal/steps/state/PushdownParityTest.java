package io.hal9.migrate.engine.internal.steps.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PostgreSQL's pushdown against the Java path, which is the ops' definition: the same random documents (fields
 * missing, JSON null, numbers with many digits, strings, objects, arrays, documents that are no object) through the
 * same ops, in batches that split runs of rejected rows, end with the same states, layers and versions and the same
 * rejects with the same reasons. The op lists mix runs of top-level ops (kept aside and written in at once) with
 * nested ones and ops reading fields the run changed. Rolled back, both tables are the original again, to the
 * character.
 */
class PushdownParityTest {
  private static final int ROWS = 400;

  @TempDir Path dir;

  static Stream<Arguments> ops() {
    return Stream.of(
        Arguments.of("light", StateFixture.opLines(
            "rename:   {from: threshold, to: firing_threshold}",
            "clamp:    {field: activation, min: 0.0, max: 1.0}",
            "multiply: {field: bias, by: 0.5}",
            "set:      {field: schema, value: 2}")),
        Arguments.of("demo", StateFixture.DEMO_OPS),
        Arguments.of("one field through a run", StateFixture.opLines(
            "rename:    {from: threshold, to: bias}",
            "clamp:     {field: bias, min: -1}",
            "multiply:  {field: bias, by: 3}",
            "default:   {field: bias, value: 7}",
            "remove:    {field: activation}",
            "rename:    {from: bias, to: activation}",
            "set:       {field: threshold, value: null}",
            "clamp:     {field: threshold, max: 2}",
            "rename:    {from: threshold, to: threshold}",
            "layer-map: {from: state.kind, map: {sensor: L1, planner: L3}}",
            "multiply:  {field: activation, by: -0.25}")),
        Arguments.of("nested between runs", StateFixture.opLines(
            "set:       {field: schema, value: {v: 2}}",
            "rename:    {from: activation, to: health.activation}",
            "multiply:  {field: health.latency_ms, by: 2}",
            "default:   {field: memory, value: {}}",
            "rename:    {from: memory, to: mem}",
            "remove:    {field: health.x}",
            "clamp:     {field: bias, min: 0.25, max: 0.75}",
            "set:       {field: schema.w, value: true}",
            "layer-map: {from: state.name, map: {alpha: L4}, default: L5}",
            "remove:    {field: legacy}")),
        Arguments.of("fields of objects set within a run", StateFixture.opLines(
            "set:       {field: health.latency_ms, value: 0}",
            "set:       {field: health.checks, value: {ok: true}}",
            "rename:    {from: schema, to: kept}",
            "set:       {field: kept.v, value: 3}",
            "remove:    {field: memory}",
            "set:       {field: memory.items, value: []}",
            "multiply:  {field: health.latency_ms, by: 2}",
            "set:       {field: name, value: null}",
            "set:       {field: name.first, value: \"n\"}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ops")
  void theDatabaseTransformsEveryRowAsJavaDoes(String name, String ops) throws Exception {
    try (TestDatabase db = TestDatabase.postgres()) {
      for (String table : List.of("by_sql", "by_java")) {
        db.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, layer VARCHAR(8) NOT NULL, kind VARCHAR(32) NOT NULL,"
            + " state JSONB NOT NULL, state_version INT NOT NULL)");
      }
      Random random = new Random(name.hashCode());
      StringBuilder rows = new StringBuilder();
      for (int id = 1; id <= ROWS; id++) {
        rows.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'L0', '").append(pick(random, "sensor", "worker", "planner", "other"))
            .append("', '").append(document(random)).append("', ").append(random.nextInt(20) == 0 ? 2 : 1).append(")");
      }
      db.execute("INSERT INTO by_sql VALUES " + rows);
      db.execute("INSERT INTO by_java SELECT * FROM by_sql");
      db.execute("CREATE TABLE original AS SELECT * FROM by_sql");
      long alreadyAtTwo = db.queryLong("SELECT count(*) FROM by_sql WHERE state_version = 2");

      String opLines = ops.indent(4);
      Plans plans = Plans.in(dir);
      plans.file("V1__parity.yaml", "steps:\n" + step("by_sql", true, opLines) + step("by_java", false, opLines));
      Cli cli = new Cli(db, plans.path());
      Cli.Result run = cli.run("run");
      assertThat(run.exit()).as(run.toString()).isZero();

      assertThat(db.queryLong("SELECT count(*) FROM by_sql WHERE state_version = 2")).isGreaterThan(ROWS / 5);
      assertThat(db.queryRows("SELECT s.id, s.state, j.state, s.layer, j.layer FROM by_sql s JOIN by_java j USING (id)"
          + " WHERE s.state <> j.state OR s.layer <> j.layer OR s.state_version <> j.state_version ORDER BY s.id")).isEmpty();
      List<String> bySql = db.queryRows("SELECT row_key, reason FROM hal9_rejects WHERE step_id = 'by_sql' ORDER BY row_key");
      assertThat(bySql).isNotEmpty()
          .isEqualTo(db.queryRows("SELECT row_key, reason FROM hal9_rejects WHERE step_id = 'by_java' ORDER BY row_key"));
      // Only rows the step changed have a snapshot, on both paths.
      assertThat(db.snapshottedKeys("by_sql")).hasSameElementsAs(db.snapshottedKeys("by_java"))
          .doesNotHaveDuplicates();
      assertThat(db.snapshottedRows("by_sql"))
          .isEqualTo(db.queryLong("SELECT count(*) FROM by_sql WHERE state_version = 2") - alreadyAtTwo);

      // The rollback puts every document back as jsonb printed it, from batch records of snapshots as from rows.
      Cli.Result rollback = cli.run("rollback", "--to", "0");
      assertThat(rollback.exit()).as(rollback.toString()).isZero();
      for (String table : List.of("by_sql", "by_java")) {
        assertThat(db.queryRows("SELECT o.id FROM original o JOIN " + table + " t USING (id) WHERE CAST(o.state AS text)"
            + " <> CAST(t.state AS text) OR o.layer <> t.layer OR o.state_version <> t.state_version")).as(table).isEmpty();
      }
    }
  }

  private static String step(String table, boolean pushdown, CharSequence ops) {
    return "  - id: " + table + "\n    type: neuron-state\n    table: " + table + "\n    from-version: 1\n    to-version: 2\n"
        + "    batch-size: 37\n    on-invalid: skip\n    pushdown: " + pushdown + "\n    ops:\n" + ops;
  }

  private static final String[] FIELDS = {"activation", "threshold", "bias", "schema", "memory", "legacy", "kind", "name",
      "health", "mem"};

  /** A state document; about one in thirty is no JSON object. */
  private static String document(Random random) {
    if (random.nextInt(30) == 0) {
      return pick(random, "[1, 2]", "5", "\"text\"", "null");
    }
    StringBuilder doc = new StringBuilder("{");
    for (String field : FIELDS) {
      if (random.nextInt(10) < 7) {
        doc.append(doc.length() == 1 ? "" : ", ").append('"').append(field).append("\": ").append(value(random, 2));
      }
    }
    return doc.append('}').toString();
  }

  private static String value(Random random, int depth) {
    int kind = random.nextInt(depth > 0 ? 10 : 7);
    return switch (kind) {
      case 0, 1, 2 -> new java.math.BigDecimal(random.nextLong() % 10_000_000_000L).movePointLeft(random.nextInt(12)).toPlainString();
      case 3 -> String.valueOf(random.nextInt(5) - 2);
      case 4 -> "null";
      case 5 -> '"' + pick(random, "sensor", "alpha", "12", "L2") + '"';
      case 6 -> pick(random, "true", "false", "[]", "[1, \"a\"]");
      default -> "{\"latency_ms\": " + value(random, depth - 1) + ", \"x\": " + value(random, depth - 1)
          + (random.nextBoolean() ? "" : ", \"activation\": 0.5") + "}";
    };
  }

  private static String pick(Random random, String... choices) {
    return choices[random.nextInt(choices.length)];
  }
}
