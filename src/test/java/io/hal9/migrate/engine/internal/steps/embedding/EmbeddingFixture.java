package io.hal9.migrate.engine.internal.steps.embedding;

import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.sql.SQLException;

/** Plans for embedding tests: the reference schema (V1), neurons with labels (V2), and embedding steps after. */
final class EmbeddingFixture {
  private EmbeddingFixture() {}

  /**
   * V1 and V2: {@code rows} neurons with ids 1..rows whose labels are 'label number K', where rows past
   * {@code distinct} repeat an earlier label (K = (id mod distinct) + 1); then ids 900001.. with an empty label,
   * a blank one, none, and a number.
   */
  static Plans labelled(Path dir, int rows, int distinct) {
    String pgLabel = "'label number ' || CASE WHEN g <= " + distinct + " THEN g ELSE (g % " + distinct + ") + 1 END";
    String h2Label = "'label number ' || CASE WHEN X <= " + distinct + " THEN X ELSE MOD(X, " + distinct + ") + 1 END";
    String odd = "(900001, 'L1', 'sensor', '{\"label\": \"\"}'%1$s, 1, CURRENT_TIMESTAMP), "
        + "(900002, 'L1', 'sensor', '{\"label\": \"   \"}'%1$s, 1, CURRENT_TIMESTAMP), "
        + "(900003, 'L1', 'sensor', '{\"activation\": 1}'%1$s, 1, CURRENT_TIMESTAMP), "
        + "(900004, 'L1', 'sensor', '{\"label\": 42}'%1$s, 1, CURRENT_TIMESTAMP)";
    return Plans.in(dir).withReferenceSchema().file("V2__labelled.yaml", "steps:\n  - id: labelled\n    type: sql\n    sql:\n"
        + "      postgresql: >-\n        INSERT INTO neurons SELECT g, 'L1', 'sensor', jsonb_build_object('label', " + pgLabel
        + "), 1, CURRENT_TIMESTAMP FROM generate_series(1, " + rows + ") g;\n"
        + "        INSERT INTO neurons VALUES " + odd.formatted("") + "\n"
        + "      h2: >-\n        INSERT INTO neurons SELECT X, 'L1', 'sensor', JSON_OBJECT('label': " + h2Label
        + "), 1, CURRENT_TIMESTAMP FROM SYSTEM_RANGE(1, " + rows + ");\n"
        + "        INSERT INTO neurons VALUES " + odd.formatted(" FORMAT JSON") + "\n");
  }

  /** V{version}: one embedding step {@code id} with the given extra keys (YAML lines, unindented). */
  static Plans embedding(Plans plans, String version, String id, String lines) {
    StringBuilder yaml = new StringBuilder("steps:\n  - id: " + id + "\n    type: embedding\n");
    lines.lines().forEach(l -> yaml.append("    ").append(l).append('\n'));
    return plans.file("V" + version + "__" + id.replace('-', '_') + ".yaml", yaml.toString());
  }

  static long vectors(TestDatabase db, String model) throws SQLException {
    return db.queryLong("SELECT count(*) FROM neuron_embeddings WHERE model = '" + model + "'");
  }

  /** Rows that break "one row per (neuron, model)": 0 when every pair has exactly one. */
  static long duplicates(TestDatabase db) throws SQLException {
    return db.queryLong("SELECT count(*) FROM (SELECT neuron_id, model FROM neuron_embeddings "
        + "GROUP BY neuron_id, model HAVING count(*) > 1) d");
  }
}
