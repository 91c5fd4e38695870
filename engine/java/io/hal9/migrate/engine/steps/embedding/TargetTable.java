package io.hal9.migrate.engine.steps.embedding;

import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.unquotedName;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.InsertValuesStep5;
import org.jooq.Record;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The vectors table, {@code (neuron_id, model, dim, vector, created_at)} with the key (neuron_id, model): REAL[]
 * on PostgreSQL, REAL ARRAY on H2. Writes are upserts, one statement per batch.
 */
final class TargetTable {
  private static final DataType<Float[]> VECTOR = SQLDataType.REAL.getArrayDataType();

  /** A stored vector, as verification reads it. */
  record Stored(int dim, Float[] vector) {}

  private final Table<Record> table;
  private final Field<Long> neuronId;
  private final Field<String> model;
  private final Field<Integer> dim;
  private final Field<Float[]> vector;
  private final Field<LocalDateTime> createdAt;

  TargetTable(String tableName) {
    this.table = table(unquotedName(tableName));
    // Qualified with the table, or H2's MERGE emulation of ON CONFLICT finds the columns ambiguous.
    this.neuronId = field(unquotedName(tableName, "neuron_id"), SQLDataType.BIGINT);
    this.model = field(unquotedName(tableName, "model"), SQLDataType.VARCHAR);
    this.dim = field(unquotedName(tableName, "dim"), SQLDataType.INTEGER);
    this.vector = field(unquotedName(tableName, "vector"), VECTOR);
    this.createdAt = field(unquotedName(tableName, "created_at"), SQLDataType.LOCALDATETIME);
  }

  /**
   * Inserts or replaces the vector of each key for {@code modelName}: exactly one row per (neuron, model).
   * PostgreSQL: one multi-row INSERT .. ON CONFLICT DO UPDATE. H2: one JDBC batch of MERGE .. KEY, its native
   * upsert (jOOQ's MERGE USING emulation of a large multi-row ON CONFLICT exhausts a small heap on H2).
   */
  void upsert(DSLContext tx, List<Long> keys, String modelName, int dimensions, List<float[]> vectors) {
    if (keys.isEmpty()) {
      return;
    }
    LocalDateTime now = LocalDateTime.now();
    if (tx.dialect() != SQLDialect.POSTGRES) {
      BatchBindStep batch = tx.batch(tx.mergeInto(table).columns(neuronId, model, dim, vector, createdAt)
          .key(neuronId, model).values((Long) null, null, null, null, null));
      for (int i = 0; i < keys.size(); i++) {
        batch = batch.bind(keys.get(i), modelName, dimensions, boxed(vectors.get(i)), now);
      }
      batch.execute();
      return;
    }
    InsertValuesStep5<Record, Long, String, Integer, Float[], LocalDateTime> insert =
        tx.insertInto(table, neuronId, model, dim, vector, createdAt);
    for (int i = 0; i < keys.size(); i++) {
      insert = insert.values(keys.get(i), modelName, dimensions, boxed(vectors.get(i)), now);
    }
    insert.onConflict(neuronId, model).doUpdate()
        .set(dim, excluded(dim)).set(vector, excluded(vector)).set(createdAt, excluded(createdAt))
        .execute();
  }

  /** Deletes the other models' vectors of the keys in (after, last]: keep-previous false. */
  int deleteOtherModels(DSLContext tx, Long after, long last, String modelName) {
    return tx.deleteFrom(table)
        .where(after == null ? DSL.noCondition() : neuronId.gt(after)).and(neuronId.le(last)).and(model.ne(modelName))
        .execute();
  }

  int deleteModel(DSLContext tx, String modelName) {
    return tx.deleteFrom(table).where(model.eq(modelName)).execute();
  }

  /** The stored vectors of {@code modelName} for keys in (after, last], by key. */
  Map<Long, List<Stored>> read(DSLContext dsl, String modelName, Long after, long last) {
    Map<Long, List<Stored>> byKey = new HashMap<>();
    dsl.select(neuronId, dim, vector).from(table)
        .where(model.eq(modelName)).and(after == null ? DSL.noCondition() : neuronId.gt(after)).and(neuronId.le(last))
        .fetch()
        .forEach(r -> byKey.computeIfAbsent(r.value1(), k -> new ArrayList<>()).add(new Stored(r.value2(), r.value3())));
    return byKey;
  }

  private static Float[] boxed(float[] v) {
    Float[] out = new Float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }
}
