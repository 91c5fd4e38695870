package io.hal9.migrate.engine.internal.steps.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A neuron-state step over tables keyed every way users key them (integers, numerics with fractions, text in an
 * ICU collation, UUIDs in random order, dates, timestamps with and without time zone, a composite key), on H2 and
 * PostgreSQL, by the Java path and PostgreSQL's pushdown: every row is transformed exactly once in batches of 3
 * (a cursor that compared keys otherwise than the database orders them would skip or repeat rows), the cursor and
 * snapshots keep the key's type, and rollback restores every row exactly.
 */
class KeyTypesTest {
  private static final int ROWS = 20;

  @TempDir Path dir;

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (KeyShapes shape : KeyShapes.values()) {
      OnBothDatabases.Provider.databases().forEach(db -> cases.add(Arguments.of(shape, db, false)));
      cases.add(Arguments.of(shape, OnBothDatabases.Provider.databases().skip(1).findFirst().orElseThrow(), true));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} on {1}, pushdown {2}")
  @MethodSource("cases")
  void everyRowOnceInKeyOrderAndAnExactRollback(KeyShapes shape, TestDatabase db, boolean pushdown) throws Exception {
    try (db) {
      Cli cli = new Cli(db, shape.plans(dir, db, ROWS, 42, pushdown, 3).path());
      Cli.Result first = cli.run("run", "--target", "1");
      assertThat(first.exit()).as(first.toString()).isZero();
      List<String> original = db.queryRows("SELECT orig, state, state_version FROM neurons ORDER BY orig");

      Cli.Result run = cli.run("run");
      assertThat(run.exit()).as(run.toString()).isZero();
      assertDoubledOnce(db, ROWS);
      JsonNode step = cli.run("status", "--json").json().at("/versions/1/steps/0");
      assertThat(step.at("/state").asText()).isEqualTo("done");
      assertThat(step.at("/counters/migrated").asLong()).isEqualTo(ROWS);
      assertThat(db.snapshottedRows("state-v2")).isEqualTo(ROWS);
      // The key's own type in the checkpoint: a JSON array of one value per key column, not a number's text.
      String cursor = db.queryString("SELECT cursor_value FROM hal9_steps WHERE step_id = 'state-v2'");
      assertThat(cursor).startsWith("[").endsWith("]");

      Cli.Result rollback = cli.run("rollback", "--to", "1");
      assertThat(rollback.exit()).as(rollback.toString()).isZero();
      assertThat(db.queryRows("SELECT orig, state, state_version FROM neurons ORDER BY orig")).isEqualTo(original);
      assertThat(db.queryLong("SELECT count(*) FROM hal9_snapshots")).isZero();

      Cli.Result again = cli.run("run");
      assertThat(again.exit()).as(again.toString()).isZero();
      assertDoubledOnce(db, ROWS);
    }
  }

  /** Every row at version 2 with twice its original bias, exactly, and marked. */
  static void assertDoubledOnce(TestDatabase db, int count) throws SQLException {
    List<String> rows = db.queryRows("SELECT orig, state, state_version FROM neurons ORDER BY orig");
    assertThat(rows).hasSize(count);
    for (String row : rows) {
      String[] parts = row.split("\\|");
      BigDecimal expected = new BigDecimal(parts[0]).multiply(BigDecimal.valueOf(2));
      StateFixture.assertJson(parts[1], "{\"bias\": " + expected.toPlainString() + ", \"migrated\": true}", "row " + parts[0]);
      assertThat(parts[2]).as("version of row " + parts[0]).isEqualTo("2");
    }
  }
}
