package io.hal9.migrate.engine.internal.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hal9.migrate.support.Cli;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.Plans;
import io.hal9.migrate.support.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pending data steps are checked against the live database before anything is written: a step naming a table or
 * column that is not there, or not of the kind it needs, is exit 2 (PLAN_INVALID) with one {@code file:line: step
 * 'id' key 'k': ...} line per mismatch, and not even the engine's own {@code hal9_*} tables are created. The
 * user's table is created here by hand (plain JDBC) and the plan holds nothing but the data step.
 */
class PreflightTest {
  static final String FILE = "V1__data.yaml";

  /** The reference neuron table without updated_at; {json} is the state column's type. */
  static final String NEURONS = "CREATE TABLE neurons (id BIGINT PRIMARY KEY, layer VARCHAR(8) NOT NULL,"
      + " kind VARCHAR(32) NOT NULL, state {json} NOT NULL, state_version INT NOT NULL";
  static final String EMBEDDINGS = "CREATE TABLE neuron_embeddings (neuron_id BIGINT NOT NULL, model VARCHAR(64) NOT NULL,"
      + " dim INT NOT NULL, vector {vector} NOT NULL, created_at TIMESTAMP NOT NULL";
  static final String PG_COLUMNS = "id, layer, kind, state, state_version";
  static final String H2_COLUMNS = "ID, LAYER, KIND, STATE, STATE_VERSION";

  /** A neuron-state step 'state-v2'; {@code extra} goes on line 4, the usual keys after it, ops on the line after 'ops:'. */
  static String stateStep(String extra, String... ops) {
    StringBuilder yaml = new StringBuilder("steps:\n  - id: state-v2\n    type: neuron-state\n");
    for (String line : extra.isEmpty() ? new String[0] : extra.split("\n")) {
      yaml.append("    ").append(line).append('\n');
    }
    yaml.append("    from-version: 1\n    to-version: 2\n    ops:\n");
    for (String op : ops.length == 0 ? new String[] {"multiply: {field: bias, by: 2}"} : ops) {
      yaml.append("      - ").append(op).append('\n');
    }
    return yaml.toString();
  }

  /** An embedding step 'embed' with ngram-hash (256 dimensions); {@code extra} from line 5. */
  static String embeddingStep(String extra) {
    StringBuilder yaml = new StringBuilder("steps:\n  - id: embed\n    type: embedding\n    model: ngram-hash\n");
    for (String line : extra.isEmpty() ? new String[0] : extra.split("\n")) {
      yaml.append("    ").append(line).append('\n');
    }
    return yaml.toString();
  }

  /** Reads state documents with exact decimals. */
  private static final ObjectMapper READER = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @TempDir Path dir;

  /**
   * One mismatch between a step and the user's table: the DDL run first ({json}, {vector}, {uuid} stand for each
   * database's types), the plan file, and the one problem expected, exactly, on each database (H2 keeps names upper
   * case and has its own type names).
   */
  record Mismatch(String name, List<String> ddl, String plan, String step, String key, int line, String onPostgres,
      String onH2) {
    @Override
    public String toString() {
      return name;
    }

    String message(TestDatabase db) {
      return db.isPostgres() ? onPostgres : onH2;
    }
  }

  static Mismatch mismatch(String name, List<String> ddl, String plan, String step, String key, int line, String onPostgres,
      String onH2) {
    return new Mismatch(name, ddl, plan, step, key, line, onPostgres, onH2);
  }

  static List<Mismatch> mismatches() {
    String notKey = " cannot be a key: expected an integer, numeric, text, uuid, date or timestamp column";
    String noUnique = " is not a unique key of neurons: no primary key, unique constraint or unique index covers exactly"
        + " these columns (unique: ";
    String noVectors = " cannot hold vectors: expected real[], double precision[], bytea (little-endian float32) or"
        + " pgvector's vector(256)";
    String upsert = " is not unique in neuron_embeddings: the upsert of one vector per key and model needs a primary key"
        + " or unique index over it (unique: none)";
    return List.of(
        mismatch("table missing", List.of(), stateStep("table: neuronz"), "state-v2", "table", 4,
            "table neuronz does not exist", "table neuronz does not exist"),
        mismatch("plain name folded, so it misses a quoted mixed-case table",
            List.of(NEURONS.replace("TABLE neurons", "TABLE \"Neurons\"") + ")"), stateStep("table: Neurons"),
            "state-v2", "table", 4, "table Neurons does not exist", "table Neurons does not exist"),
        mismatch("key column missing", List.of(NEURONS + ")"), stateStep("key: nid"), "state-v2", "key", 4,
            "column neurons.nid does not exist (columns: " + PG_COLUMNS + ")",
            "column neurons.nid does not exist (columns: " + H2_COLUMNS + ")"),
        mismatch("key not unique", List.of(NEURONS.replace("PRIMARY KEY", "NOT NULL") + ")"), stateStep("key: id"),
            "state-v2", "key", 4, "(id)" + noUnique + "none)", "(ID)" + noUnique + "none)"),
        mismatch("key over a boolean", List.of(NEURONS + ", flag BOOLEAN NOT NULL UNIQUE)"), stateStep("key: flag"),
            "state-v2", "key", 4, "column neurons.flag (bool)" + notKey, "column neurons.FLAG (BOOLEAN)" + notKey),
        mismatch("key over a JSON column", List.of(NEURONS + ")"), stateStep("key: state"), "state-v2", "key", 4,
            "column neurons.state (jsonb)" + notKey, "column neurons.STATE (JSON)" + notKey),
        mismatch("composite key covered only by a wider unique index",
            List.of("CREATE TABLE neurons (tenant VARCHAR(16) NOT NULL, id BIGINT NOT NULL, other INT NOT NULL,"
                + " layer VARCHAR(8) NOT NULL, state {json} NOT NULL, state_version INT NOT NULL,"
                + " UNIQUE (tenant, id, other))"),
            stateStep("key: [tenant, id]"), "state-v2", "key", 4,
            "(tenant, id)" + noUnique + "(tenant, id, other))", "(TENANT, ID)" + noUnique + "(TENANT, ID, OTHER))"),
        mismatch("state column missing", List.of(NEURONS + ")"), stateStep("state-column: doc"), "state-v2",
            "state-column", 4, "column neurons.doc does not exist (columns: " + PG_COLUMNS + ")",
            "column neurons.doc does not exist (columns: " + H2_COLUMNS + ")"),
        mismatch("state column of integer type", List.of(NEURONS + ", payload INT)"), stateStep("state-column: payload"),
            "state-v2", "state-column", 4,
            "column neurons.payload (int4) does not hold JSON documents: expected jsonb, json or text",
            "column neurons.PAYLOAD (INTEGER) does not hold JSON documents: expected jsonb, json or text"),
        mismatch("version column missing (default name, reported on the step's line)",
            List.of(NEURONS.replace(", state_version INT NOT NULL", "") + ")"), stateStep(""), "state-v2",
            "version-column", 2, "column neurons.state_version does not exist (columns: id, layer, kind, state)",
            "column neurons.state_version does not exist (columns: ID, LAYER, KIND, STATE)"),
        mismatch("version column of varchar type", List.of(NEURONS + ", sv VARCHAR(8))"), stateStep("version-column: sv"),
            "state-v2", "version-column", 4,
            "column neurons.sv (varchar) is not an integer column: the state version is a number",
            "column neurons.SV (CHARACTER VARYING) is not an integer column: the state version is a number"),
        mismatch("layer column missing under a layer-map",
            List.of(NEURONS.replace(" layer VARCHAR(8) NOT NULL,", "") + ")"),
            stateStep("", "layer-map: {from: kind, map: {sensor: L1}, default: L2}"), "state-v2", "layer-column", 2,
            "column neurons.layer does not exist (columns: id, kind, state, state_version)",
            "column neurons.layer does not exist (columns: ID, KIND, STATE, STATE_VERSION)"),
        mismatch("layer-map from a missing column", List.of(NEURONS + ")"),
            stateStep("", "layer-map: {from: category, map: {sensor: L1}, default: L2}"), "state-v2", "ops", 6,
            "column neurons.category does not exist (columns: " + PG_COLUMNS + ")",
            "column neurons.category does not exist (columns: " + H2_COLUMNS + ")"),
        mismatch("embedding text column missing", List.of(NEURONS + ")", EMBEDDINGS + ", PRIMARY KEY (neuron_id, model))"),
            embeddingStep("text: doc.label"), "embed", "text", 5,
            "column neurons.doc does not exist (columns: " + PG_COLUMNS + ")",
            "column neurons.doc does not exist (columns: " + H2_COLUMNS + ")"),
        mismatch("embedding text path into an integer column",
            List.of(NEURONS + ", doc INT)", EMBEDDINGS + ", PRIMARY KEY (neuron_id, model))"),
            embeddingStep("text: doc.label"), "embed", "text", 5,
            "column neurons.doc (int4) does not hold JSON documents, so it has no path 'label'",
            "column neurons.DOC (INTEGER) does not hold JSON documents, so it has no path 'label'"),
        mismatch("embedding target column of text type", List.of(NEURONS + ", vec VARCHAR(100))"),
            embeddingStep("target-column: vec"), "embed", "target-column", 5,
            "column neurons.vec (varchar)" + noVectors, "column neurons.VEC (CHARACTER VARYING)" + noVectors),
        mismatch("embedding target table missing", List.of(NEURONS + ")"), embeddingStep("target: vectors"), "embed",
            "target", 5, "table vectors does not exist", "table vectors does not exist"),
        mismatch("embedding target key of another type than the source key",
            List.of(NEURONS.replace("id BIGINT", "id {uuid}") + ")", EMBEDDINGS + ", PRIMARY KEY (neuron_id, model))"),
            embeddingStep("target-key: neuron_id"), "embed", "target-key", 5,
            "column neuron_embeddings.neuron_id (int8) does not match the key column neurons.id (uuid)",
            "column neuron_embeddings.NEURON_ID (BIGINT) does not match the key column neurons.ID (UUID)"),
        mismatch("embedding target not unique over key and model", List.of(NEURONS + ")", EMBEDDINGS + ")"),
            embeddingStep("target: neuron_embeddings"), "embed", "target", 5,
            "(neuron_id, model)" + upsert, "(NEURON_ID, MODEL)" + upsert),
        mismatch("neuron-seed into a table without updated_at", List.of(NEURONS + ")"),
            "steps:\n  - id: seed\n    type: neuron-seed\n    count: 10\n    table: neurons\n", "seed", "table", 5,
            "column neurons.updated_at does not exist (columns: " + PG_COLUMNS + ")",
            "column neurons.updated_at does not exist (columns: " + H2_COLUMNS + ")"));
  }

  static Stream<Arguments> mismatchesOnBothDatabases() {
    return mismatches().stream().flatMap(m -> OnBothDatabases.Provider.databases().map(db -> Arguments.of(db, m)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("mismatchesOnBothDatabases")
  void mismatchIsRefusedBeforeAnyWrite(TestDatabase db, Mismatch m) throws Exception {
    create(db, m.ddl());
    Plans.in(dir).file(FILE, m.plan());
    List<String> before = db.tables();

    Cli.Result run = cli(db).run("run", "--json");

    String problem = at(FILE, m.line()) + "step '" + m.step() + "' key '" + m.key() + "': " + m.message(db);
    assertPlanInvalid(run, "run", problem);
    assertThat(db.tables()).as("nothing created, the engine's tables included").isEqualTo(before);
  }

  @OnBothDatabases
  void everyMismatchOfEveryPendingStepIsReported(TestDatabase db) throws Exception {
    // Two problems in one step (the preflight goes on after the first) and one in a step of another file.
    create(db, List.of(NEURONS.replace(", state_version INT NOT NULL", "") + ")"));
    Plans.in(dir)
        .file(FILE, stateStep("key: nid"))
        .file("V2__embed.yaml", embeddingStep("target: vectors"));
    String cols = db.isPostgres() ? "id, layer, kind, state" : "ID, LAYER, KIND, STATE";
    List<String> problems = List.of(
        at(FILE, 4) + "step 'state-v2' key 'key': column neurons.nid does not exist (columns: " + cols + ")",
        at(FILE, 2) + "step 'state-v2' key 'version-column': column neurons.state_version does not exist (columns: " + cols + ")",
        at("V2__embed.yaml", 5) + "step 'embed' key 'target': table vectors does not exist");

    Cli.Result json = cli(db).run("run", "--json");
    assertThat(json.exit()).as(json.toString()).isEqualTo(2);
    assertThat(json.json().at("/error/code").asText()).isEqualTo("PLAN_INVALID");
    // In plan order: the steps as they would run, each step's keys as it checks them.
    assertThat(texts(json.json().at("/error/details"))).containsExactlyElementsOf(problems);
    assertThat(json.json().at("/error/message").asText())
        .isEqualTo("the plans do not fit the database (3 problems); first: " + problems.get(0));

    Cli.Result text = cli(db).run("run");
    assertThat(text.exit()).as(text.toString()).isEqualTo(2);
    assertThat(text.out()).isEmpty();
    assertThat(text.err()).contains(problems);
    assertThat(db.tables()).containsExactly("neurons");
  }

  @OnBothDatabases
  void dryRunAndValidateDatabaseReportTheSameMismatchAndWriteNothing(TestDatabase db) throws Exception {
    create(db, List.of(NEURONS.replace(", state_version INT NOT NULL", "") + ")"));
    Plans.in(dir).file(FILE, stateStep(""));
    String problem = at(FILE, 2) + "step 'state-v2' key 'version-column': column neurons.state_version does not exist"
        + " (columns: " + (db.isPostgres() ? "id, layer, kind, state" : "ID, LAYER, KIND, STATE") + ")";

    assertPlanInvalid(cli(db).run("run", "--dry-run", "--json"), "run", problem);
    assertPlanInvalid(cli(db).run("validate", "--database", "--json"), "validate", problem);
    // Without --database, validate checks the plans alone, and they are fine.
    Cli.Result plansOnly = cli(db).run("validate", "--json");
    assertThat(plansOnly.exit()).as(plansOnly.toString()).isZero();
    assertThat(plansOnly.json().has("checkedWhenRun")).isFalse();
    assertThat(db.tables()).containsExactly("neurons");
  }

  // ---- names the catalog resolves: each runs, and applies a multiply once

  @OnBothDatabases
  void schemaQualifiedTableIsUsed(TestDatabase db) throws Exception {
    db.execute("CREATE SCHEMA hal9");
    create(db, List.of(NEURONS.replace("TABLE neurons", "TABLE hal9.neurons") + ")"));
    insert(db, "hal9.neurons", "state");
    Plans.in(dir).file(FILE, stateStep("table: hal9.neurons"));

    runsTwiceAndMultipliesOnce(db, db.url(), "hal9.neurons", "state");
    assertThat(db.tables()).as("the engine's tables stay in the default schema").contains("hal9_steps");
  }

  @OnBothDatabases
  void quotedMixedCaseTableAndColumnAreUsedExactly(TestDatabase db) throws Exception {
    create(db, List.of("CREATE TABLE \"Neurons\" (id BIGINT PRIMARY KEY, layer VARCHAR(8) NOT NULL, kind VARCHAR(32) NOT NULL,"
        + " \"State\" {json} NOT NULL, state_version INT NOT NULL)"));
    insert(db, "\"Neurons\"", "\"State\"");
    // In YAML, '"Neurons"' is the text "Neurons" with its quotes: a quoted SQL name.
    Plans.in(dir).file(FILE, stateStep("table: '\"Neurons\"'\nstate-column: '\"State\"'"));

    runsTwiceAndMultipliesOnce(db, db.url(), "\"Neurons\"", "\"State\"");
  }

  @OnBothDatabases
  void tableNameWithAQuoteInsideIsUsed(TestDatabase db) throws Exception {
    create(db, List.of(NEURONS.replace("TABLE neurons", "TABLE \"odd\"\"name\"") + ")"));
    insert(db, "\"odd\"\"name\"", "state");
    Plans.in(dir).file(FILE, stateStep("table: '\"odd\"\"name\"'"));

    runsTwiceAndMultipliesOnce(db, db.url(), "\"odd\"\"name\"", "state");
  }

  @OnBothDatabases
  void plainNameIsFoundInTheConnectionsCurrentSchema(TestDatabase db) throws Exception {
    // PostgreSQL resolves through the search path (currentSchema=app puts app first), H2 through SCHEMA=APP.
    db.execute("CREATE SCHEMA app");
    create(db, List.of(NEURONS.replace("TABLE neurons", "TABLE app.neurons") + ")"));
    insert(db, "app.neurons", "state");
    Plans.in(dir).file(FILE, stateStep("table: neurons"));
    String url = db.isPostgres() ? db.url() + (db.url().contains("?") ? "&" : "?") + "currentSchema=app"
        : db.url() + ";SCHEMA=APP";
    runsTwiceAndMultipliesOnce(db, url, "app.neurons", "state");
    assertThat(db.tables()).as("nothing in the default schema").isEmpty();
  }

  @OnBothDatabases
  void compositeKeyThatIsExactlyUniqueIsAcceptedAndWalkedInBatches(TestDatabase db) throws Exception {
    // The positive side of the composite case above: (tenant, id) unique, ids repeating across tenants.
    create(db, List.of("CREATE TABLE neurons (tenant VARCHAR(16) NOT NULL, id BIGINT NOT NULL, layer VARCHAR(8) NOT NULL,"
        + " kind VARCHAR(32) NOT NULL, state {json} NOT NULL, state_version INT NOT NULL, UNIQUE (tenant, id))"));
    String[][] rows = {{"acme", "2"}, {"acme", "1"}, {"zeta", "1"}};
    for (String[] row : rows) {
      db.execute("INSERT INTO neurons VALUES ('" + row[0] + "', " + row[1] + ", 'L2', 'worker', "
          + json(db, "{\"bias\": 0.25}") + ", 1)");
    }
    Plans.in(dir).file(FILE, stateStep("key: [tenant, id]\nbatch-size: 1"));

    for (int i = 0; i < 2; i++) {
      Cli.Result run = cli(db).run("run");
      assertThat(run.exit()).as(run.toString()).isZero();
    }
    for (String row : db.queryRows("SELECT tenant, id, state_version, state FROM neurons ORDER BY tenant, id")) {
      String[] parts = row.split("\\|", 4);
      assertThat(parts[2]).as(row).isEqualTo("2");
      assertThat(READER.readTree(parts[3]).get("bias").decimalValue()).as(row).isEqualByComparingTo("0.5");
    }
    assertThat(db.queryRows("SELECT rows_done, cursor_value FROM hal9_steps WHERE step_id = 'state-v2'"))
        .containsExactly("3|[\"zeta\",1]");
  }

  // ---- a step after a pending sql step is checked just before it starts

  @OnBothDatabases
  void stepAfterASchemaStepIsCheckedWhenItStartsAgainstWhatThatStepLeft(TestDatabase db) throws Exception {
    // V1 creates the table without a version column; V2 cannot be checked before V1 has run.
    schemaStep(db, NEURONS.replace(", state_version INT NOT NULL", "") + ")");
    Plans.in(dir).file("V2__state.yaml", stateStep(""));
    String problem = at("V2__state.yaml", 2) + "step 'state-v2' key 'version-column': column neurons.state_version"
        + " does not exist (columns: " + (db.isPostgres() ? "id, layer, kind, state" : "ID, LAYER, KIND, STATE") + ")";

    Cli.Result validate = cli(db).run("validate", "--database", "--json");
    assertThat(validate.exit()).as(validate.toString()).isZero();
    assertThat(texts(validate.json().get("checkedWhenRun"))).containsExactly("state-v2");
    assertThat(db.tables()).as("validate reads only").isEmpty();

    assertPlanInvalid(cli(db).run("run", "--json"), "run", problem);
    assertThat(db.queryRows("SELECT version, action FROM hal9_history ORDER BY installed_rank")).containsExactly("1|apply");
    assertThat(db.queryRows("SELECT step_id, state FROM hal9_steps")).as("V2 never started")
        .containsExactly("create-neurons|done");
    assertThat(db.tables()).as("V1 committed").contains("neurons");

    // V1 is applied now, so V2 is checked up front; and the refused run released its lock (exit 2, not 3).
    assertPlanInvalid(cli(db).run("validate", "--database", "--json"), "validate", problem);
    assertPlanInvalid(cli(db).run("run", "--json"), "run", problem);

    db.execute("ALTER TABLE neurons ADD COLUMN state_version INT DEFAULT 1 NOT NULL");
    insert(db, "neurons", "state");
    runsTwiceAndMultipliesOnce(db, db.url(), "neurons", "state");
    assertThat(db.queryRows("SELECT version, action FROM hal9_history ORDER BY installed_rank"))
        .containsExactly("1|apply", "2|apply");
  }

  @OnBothDatabases
  void stepAfterASchemaStepThatCreatesTheRightTableRuns(TestDatabase db) throws Exception {
    schemaStep(db, NEURONS + ")", "INSERT INTO neurons VALUES (1, 'L2', 'worker', {state1}, 1)",
        "INSERT INTO neurons VALUES (2, 'L2', 'worker', {state2}, 1)", "INSERT INTO neurons VALUES (3, 'L2', 'worker', {state3}, 1)");
    Plans.in(dir).file("V2__state.yaml", stateStep(""));

    Cli.Result validate = cli(db).run("validate", "--database", "--json");
    assertThat(texts(validate.json().get("checkedWhenRun"))).as(validate.toString()).containsExactly("state-v2");
    runsTwiceAndMultipliesOnce(db, db.url(), "neurons", "state");
    assertThat(db.queryRows("SELECT step_id, state FROM hal9_steps ORDER BY step_id"))
        .containsExactly("create-neurons|done", "state-v2|done");
  }

  // ---- plan validation (no database read): layer-map values, table and column names

  @OnBothDatabases
  void layerMapWritingLayersOutsideL1ToL9IsAPlanError(TestDatabase db) throws Exception {
    Plans.in(dir).file(FILE, stateStep("", "layer-map: {from: kind, map: {sensor: L0, worker: L2}, default: L10}"));

    String hal9 = ", which is not one of HAL9's layers L1..L9 (name the step's own with 'layers:')";
    assertThat(refusedPlan(db)).containsExactly(
        at(FILE, 6) + "step 'state-v2' key 'ops': layer-map writes 'L0'" + hal9,
        at(FILE, 6) + "step 'state-v2' key 'ops': layer-map writes 'L10'" + hal9);
  }

  @OnBothDatabases
  void layerMapMayWriteTheStepsOwnLayersAndOnlyThose(TestDatabase db) throws Exception {
    Plans.in(dir).file(FILE, stateStep("layers: [L0, L1]", "layer-map: {from: kind, map: {sensor: L0, worker: L2}, default: L1}"));
    assertThat(refusedPlan(db)).containsExactly(
        at(FILE, 7) + "step 'state-v2' key 'ops': layer-map writes 'L2', which is not one of the step's layers L0, L1");

    create(db, List.of(NEURONS + ")"));
    db.execute("INSERT INTO neurons VALUES (1, 'L5', 'sensor', " + json(db, "{}") + ", 1)");
    db.execute("INSERT INTO neurons VALUES (2, 'L5', 'worker', " + json(db, "{}") + ", 1)");
    Plans.in(dir).file(FILE, stateStep("layers: [L0, L1]", "layer-map: {from: kind, map: {sensor: L0, worker: L1}, default: L1}"));
    Cli.Result run = cli(db).run("run");
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(db.queryRows("SELECT id, layer, state_version FROM neurons ORDER BY id")).containsExactly("1|L0|2", "2|L1|2");
  }

  @OnBothDatabases
  void badTableAndColumnNamesArePlanErrors(TestDatabase db) throws Exception {
    String table = "expected a table name (neurons, hal9.neurons, \"Neurons\"), got ";
    String column = "expected a column name (id, \"Id\"), got ";
    String longest = "n".repeat(63);
    Plans.in(dir)
        .file("V1__a.yaml", stateStep("table: '\"unclosed'").replace("state-v2", "a"))
        .file("V2__b.yaml", stateStep("table: a.b.c").replace("state-v2", "b"))
        .file("V3__c.yaml", stateStep("table: 1abc").replace("state-v2", "c"))
        .file("V4__d.yaml", stateStep("table: " + "t".repeat(70)).replace("state-v2", "d"))
        .file("V5__e.yaml", stateStep("table: " + longest + "x").replace("state-v2", "e"))
        // 32 characters, but 64 bytes in UTF-8: PostgreSQL would cut it short.
        .file("V6__f.yaml", stateStep("table: '\"" + "\u00e9".repeat(32) + "\"'").replace("state-v2", "f"))
        .file("V7__g.yaml", stateStep("state-column: a.b\nversion-column: '\"\"'\nkey: [id, id]").replace("state-v2", "g"))
        .file("V8__h.yaml", stateStep("table: " + longest).replace("state-v2", "h"));

    assertThat(refusedPlan(db)).containsExactlyInAnyOrder(
        at("V1__a.yaml", 4) + "step 'a' key 'table': " + table + "\"\\\"unclosed\": a quote is not closed",
        at("V2__b.yaml", 4) + "step 'b' key 'table': " + table + "\"a.b.c\": more than a schema and a table name",
        at("V3__c.yaml", 4) + "step 'c' key 'table': " + table + "\"1abc\": a plain name is letters, digits and '_', not"
            + " starting with a digit (quote any other)",
        at("V4__d.yaml", 4) + "step 'd' key 'table': " + table + "\"" + "t".repeat(56) + "...: a name of 70 bytes, longer than"
            + " PostgreSQL's 63",
        at("V5__e.yaml", 4) + "step 'e' key 'table': " + table + "\"" + "n".repeat(56) + "...: a name of 64 bytes, longer than"
            + " PostgreSQL's 63",
        at("V6__f.yaml", 4) + "step 'f' key 'table': " + table + "\"\\\"" + "\u00e9".repeat(32) + "\\\"\": a name of 64 bytes,"
            + " longer than PostgreSQL's 63",
        at("V7__g.yaml", 4) + "step 'g' key 'state-column': " + column + "\"a.b\": a column is one name (quote a name with a"
            + " dot in it)",
        at("V7__g.yaml", 5) + "step 'g' key 'version-column': " + column + "\"\\\"\\\"\": an empty quoted name",
        at("V7__g.yaml", 6) + "step 'g' key 'key': expected a column name or a list of distinct column names ([tenant, id]),"
            + " got [\"id\",\"id\"]");
  }

  // ---- helpers

  /** V1__schema.yaml: one sql step 'create-neurons' running {@code statements} ({stateN}: row N's state to double). */
  private void schemaStep(TestDatabase db, String... statements) {
    StringBuilder yaml = new StringBuilder("steps:\n  - id: create-neurons\n    type: sql\n    sql:\n");
    for (String name : List.of("postgresql", "h2")) {
      yaml.append("      ").append(name).append(": |\n");
      boolean postgres = name.equals("postgresql");
      for (String statement : statements) {
        yaml.append("        ").append(statement.replace("{json}", postgres ? "JSONB" : "JSON")
            .replaceAll("\\{state(\\d)}", "'{\"bias\": 0.25, \"n\": $1}'" + (postgres ? "" : " FORMAT JSON"))).append(";\n");
      }
    }
    Plans.in(dir).file("V1__schema.yaml", yaml.toString());
  }

  /** {@code run} refused before connecting: exit 2, PLAN_INVALID, nothing created; returns the problems. */
  private List<String> refusedPlan(TestDatabase db) throws Exception {
    Cli.Result run = cli(db).run("run", "--json");
    assertThat(run.exit()).as(run.toString()).isEqualTo(2);
    assertThat(run.json().at("/error/code").asText()).isEqualTo("PLAN_INVALID");
    // The same refusal with a database that cannot be reached: the plan is refused before any connection.
    Cli.Result offline = cli(db).raw("run", "--json", "--url", "jdbc:postgresql://127.0.0.1:1/none", "--plans", dir.toString());
    assertThat(offline.json().at("/error/code").asText()).as(offline.toString()).isEqualTo("PLAN_INVALID");
    assertThat(texts(offline.json().at("/error/details"))).isEqualTo(texts(run.json().at("/error/details")));
    assertThat(db.tables()).isEmpty();
    return texts(run.json().at("/error/details"));
  }

  /** Rows 1..3 at version 1 with a bias to double. */
  private static void insert(TestDatabase db, String table, String stateColumn) throws Exception {
    for (int id = 1; id <= 3; id++) {
      db.execute("INSERT INTO " + table + " (id, layer, kind, " + stateColumn + ", state_version) VALUES (" + id
          + ", 'L2', 'worker', " + json(db, "{\"bias\": 0.25, \"n\": " + id + "}") + ", 1)");
    }
  }

  /** {@code run} on {@code url} exits 0 twice; every row's bias was doubled exactly once and its version is 2. */
  private void runsTwiceAndMultipliesOnce(TestDatabase db, String url, String table, String stateColumn) throws Exception {
    for (int i = 0; i < 2; i++) {
      Cli.Result run = cli(db).raw("run", "--url", url, "--plans", dir.toString());
      assertThat(run.exit()).as(run.toString()).isZero();
    }
    List<String> rows = db.queryRows("SELECT id, state_version, " + stateColumn + " FROM " + table + " ORDER BY id");
    assertThat(rows).hasSize(3);
    for (String row : rows) {
      String[] parts = row.split("\\|", 3);
      JsonNode state = READER.readTree(parts[2]);
      assertThat(parts[1]).as("version of row " + parts[0]).isEqualTo("2");
      assertThat(state.get("bias").decimalValue()).as("bias of row " + parts[0] + ": " + parts[2])
          .isEqualByComparingTo("0.5");
      assertThat(state.get("n").asText()).isEqualTo(parts[0]);
    }
  }

  static void create(TestDatabase db, List<String> ddl) throws Exception {
    for (String statement : ddl) {
      db.execute(statement.replace("{json}", db.isPostgres() ? "JSONB" : "JSON")
          .replace("{vector}", db.isPostgres() ? "REAL[]" : "REAL ARRAY")
          .replace("{uuid}", "UUID"));
    }
  }

  static String json(TestDatabase db, String text) {
    return "'" + text + "'" + (db.isPostgres() ? "" : " FORMAT JSON");
  }

  private void assertPlanInvalid(Cli.Result result, String command, String problem) {
    assertThat(result.exit()).as(result.toString()).isEqualTo(2);
    JsonNode json = result.json();
    assertThat(json.get("ok").asBoolean()).isFalse();
    assertThat(json.get("command").asText()).isEqualTo(command);
    assertThat(json.at("/error/code").asText()).isEqualTo("PLAN_INVALID");
    assertThat(json.at("/error/exitCode").asInt()).isEqualTo(2);
    assertThat(json.at("/error/message").asText()).isEqualTo(problem);
    assertThat(texts(json.at("/error/details"))).containsExactly(problem);
  }

  private Cli cli(TestDatabase db) {
    return new Cli(db, dir);
  }

  private String at(String file, int line) {
    return dir.resolve(file) + ":" + line + ": ";
  }

  static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(item -> texts.add(item.asText()));
    return texts;
  }
}
