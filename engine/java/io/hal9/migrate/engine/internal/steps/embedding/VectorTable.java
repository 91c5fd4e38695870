package io.hal9.migrate.engine.internal.steps.embedding;

import static org.jooq.impl.DSL.currentLocalDateTime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.internal.steps.StepTables;
import io.hal9.migrate.engine.spi.Snapshot;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.tables.Column;
import io.hal9.migrate.engine.spi.tables.ColumnType;
import io.hal9.migrate.engine.spi.tables.Keyset;
import io.hal9.migrate.engine.spi.tables.RowKey;
import io.hal9.migrate.engine.spi.tables.UserTable;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.BatchBindStep;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * {@code target:} a table of vectors, {@code (key columns..., model, dim, vector, created_at)}, unique on the key
 * columns and the model, as the reference schema's {@code neuron_embeddings}. Writes are upserts, one statement per
 * batch; each snapshot keeps the row a write replaced (or that there was none).
 */
final class VectorTable implements VectorTarget {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SourceTable source;
  private final UserTable user;
  private final Keyset keys;
  private final Field<String> model;
  private final Field<Integer> dim;
  private final VectorColumn vector;
  private final Field<LocalDateTime> createdAt;
  private final String modelName;
  private final int dimensions;

  private VectorTable(SourceTable source, UserTable user, Keyset keys, Column model, Column dim, Column vector,
      Column createdAt, String modelName, int dimensions) {
    this.source = source;
    this.user = user;
    this.keys = keys;
    this.model = user.text(model);
    this.dim = user.field(dim, SQLDataType.INTEGER);
    this.vector = VectorColumn.of(user, vector);
    this.createdAt = user.field(createdAt, SQLDataType.LOCALDATETIME);
    this.modelName = modelName;
    this.dimensions = dimensions;
  }

  /** The step's {@code target} and {@code target-key}, checked against the source's key; empty on a mismatch. */
  static Optional<VectorTable> resolve(StepDefinition step, StepTables tables, SourceTable source, String modelName,
      int dimensions) {
    Optional<UserTable> found = tables.table("target");
    if (found.isEmpty()) {
      return Optional.empty();
    }
    UserTable user = found.get();
    List<Column> keyColumns = new ArrayList<>();
    for (String name : step.strings("target-key")) {
      tables.column(user, "target-key", name).ifPresent(keyColumns::add);
    }
    Optional<Column> model = tables.column(user, "target", "model");
    Optional<Column> dim = tables.column(user, "target", "dim");
    Optional<Column> vector = tables.column(user, "target", "vector");
    Optional<Column> created = tables.column(user, "target", "created_at");
    if (!tables.ok()) {
      return Optional.empty();
    }
    List<Column> sourceKey = source.keys().columns();
    if (keyColumns.size() != sourceKey.size()) {
      tables.report("target-key", "names " + keyColumns.size() + " column(s), but the key of " + source.user().written()
          + " has " + sourceKey.size());
    } else {
      for (int i = 0; i < keyColumns.size(); i++) {
        if (keyColumns.get(i).type() != sourceKey.get(i).type()) {
          tables.report("target-key", "column " + user.written() + "." + keyColumns.get(i).describe() + " does not match"
              + " the key column " + source.user().written() + "." + sourceKey.get(i).describe());
        }
      }
    }
    List<Column> unique = new ArrayList<>(keyColumns);
    unique.add(model.get());
    if (tables.ok() && !user.unique(unique)) {
      tables.report("target", "(" + String.join(", ", unique.stream().map(Column::name).toList()) + ") is not unique in "
          + user.written() + ": the upsert of one vector per key and model needs a primary key or unique index over it"
          + " (unique: " + user.uniqueKeys() + ")");
    }
    if (dim.get().type() != ColumnType.INTEGER) {
      tables.report("target", "column " + user.written() + "." + dim.get().describe() + " is not an integer column");
    }
    VectorColumn.unfit(vector.get(), dimensions).ifPresent(p -> tables.report("target", "column " + user.written() + "."
        + vector.get().describe() + " " + p));
    if (!tables.ok()) {
      return Optional.empty();
    }
    return Optional.of(new VectorTable(source, user, Keyset.of(user, keyColumns, step.strings("target-key")), model.get(),
        dim.get(), vector.get(), created.get(), modelName, dimensions));
  }

  @Override
  public List<Snapshot> previous(DSLContext tx, RowKey after, RowKey last, List<RowKey> batch) {
    List<Field<?>> fields = new ArrayList<>(keys.fields());
    fields.addAll(List.of(dim, vector.raw(), createdAt));
    Map<String, ObjectNode> rows = new HashMap<>();
    tx.select(fields).from(user.table()).where(model.eq(modelName).and(keys.after(after)).and(keys.atMost(last))).fetch().forEach(r -> {
      ObjectNode row = JSON.createObjectNode();
      row.put("dim", r.get(dim));
      row.put("vector", vector.keep(r.get(vector.raw())));
      row.put("createdAt", r.get(createdAt) == null ? null : r.get(createdAt).toString());
      rows.put(keys.json(keys.of(r)), row);
    });
    List<Snapshot> snapshots = new ArrayList<>(batch.size());
    for (RowKey key : batch) {
      String json = keys.json(key);
      ObjectNode kept = JSON.createObjectNode();
      kept.set("row", rows.get(json));
      snapshots.add(new Snapshot(json, kept.toString()));
    }
    return snapshots;
  }

  /** One upsert by key and model for the batch, row by row in one JDBC batch. */
  @Override
  public void write(DSLContext tx, List<RowKey> batch, List<float[]> vectors) {
    if (batch.isEmpty()) {
      return;
    }
    List<Field<?>> columns = new ArrayList<>(keys.fields());
    columns.addAll(List.of(model, dim, vector.stored(), createdAt));
    List<Field<?>> placeholders = new ArrayList<>();
    keys.fields().forEach(k -> placeholders.add(DSL.val(null, k.getDataType())));
    placeholders.addAll(List.of(DSL.val((String) null), DSL.val((Integer) null), vector.placeholder(tx.dialect()), currentLocalDateTime()));
    List<Field<?>> conflict = new ArrayList<>(keys.fields());
    conflict.add(model);
    List<Object[]> binds = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      List<Object> row = new ArrayList<>(batch.get(i).values());
      row.add(modelName);
      row.add(dimensions);
      row.add(vector.value(vectors.get(i)));
      binds.add(row.toArray());
    }
    Database.of(tx.dialect()).upsert(tx, user.table(), columns, placeholders, conflict, List.of(dim, vector.stored(), createdAt),
        binds);
  }

  /**
   * Two JDBC batches by key and model: the rows the step created are deleted, those it replaced get their dim,
   * vector and created_at back.
   */
  @Override
  public void restore(DSLContext tx, List<Snapshot> snapshots) {
    RowKey none = new RowKey(java.util.Collections.nCopies(keys.size(), null));
    Condition at = keys.is(none).and(model.eq(DSL.val((String) null)));
    DSLContext dsl = Database.of(tx.dialect()).forRowBinds(tx);
    BatchBindStep deletes = dsl.batch(dsl.deleteFrom(user.table()).where(at));
    Map<Field<?>, Field<?>> values = new java.util.LinkedHashMap<>();
    values.put(dim, DSL.val(null, dim.getDataType()));
    values.put(vector.stored(), vector.placeholder(tx.dialect()));
    values.put(createdAt, DSL.val(null, createdAt.getDataType()));
    BatchBindStep updates = dsl.batch(dsl.update(user.table()).set(values).where(at));
    int deleted = 0;
    int updated = 0;
    for (Snapshot snapshot : snapshots) {
      List<Object> binds = new ArrayList<>();
      JsonNode row = read(snapshot.before()).get("row");
      if (row != null && !row.isNull()) {
        binds.add(row.get("dim").isNull() ? null : row.get("dim").asInt());
        binds.add(vector.restored(row.get("vector").isNull() ? null : row.get("vector").asText()));
        binds.add(row.get("createdAt").isNull() ? null : LocalDateTime.parse(row.get("createdAt").asText()));
      }
      binds.addAll(keys.parse(snapshot.key()).values());
      binds.add(modelName);
      if (row == null || row.isNull()) {
        deletes = deletes.bind(binds.toArray());
        deleted++;
      } else {
        updates = updates.bind(binds.toArray());
        updated++;
      }
    }
    if (deleted > 0) {
      deletes.execute();
    }
    if (updated > 0) {
      updates.execute();
    }
  }

  /** Deletes the other models' vectors of the keys in (after, last]: keep-previous false. */
  int deleteOtherModels(DSLContext tx, RowKey after, RowKey last) {
    return tx.deleteFrom(user.table()).where(keys.after(after)).and(keys.atMost(last)).and(model.ne(modelName)).execute();
  }

  /** Every vector of the step's model: the rollback of a step run before snapshots were kept. */
  int deleteModel(DSLContext tx) {
    return tx.deleteFrom(user.table()).where(model.eq(modelName)).execute();
  }

  @Override
  public List<Stored> stored(DSLContext dsl, RowKey after, int limit) {
    Table<?> s = dsl.select(source.keys().fields()).select(source.column())
        .from(source.table()).where(source.keys().after(after)).orderBy(source.keys().ascending()).limit(limit).asTable("s");
    List<Field<?>> sourceKeys = new ArrayList<>();
    Condition join = model.eq(modelName);
    for (int k = 0; k < keys.size(); k++) {
      Field<Object> sk = s.field(k).coerce(Object.class);
      sourceKeys.add(sk);
      join = join.and(keys.fields().get(k).eq(sk));
    }
    List<Field<?>> measured = vector.measured(dsl.dialect());
    List<Field<?>> fields = new ArrayList<>(sourceKeys);
    fields.addAll(List.of(s.field(keys.size()), dim));
    fields.addAll(measured);
    List<Stored> out = new ArrayList<>();
    DSLContext reads = Database.of(dsl.dialect()).binaryResults(dsl);
    for (Record r : reads.select(fields).from(s).leftJoin(user.table()).on(join).orderBy(sourceKeys).fetch()) {
      RowKey key = source.keys().of(r, 0);
      Stored last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last == null || !last.key().equals(key)) {
        last = new Stored(key, source.text(r.get(keys.size(), String.class)), new ArrayList<>(), new ArrayList<>());
        out.add(last);
      }
      Measure stored = vector.measure(r, keys.size() + 2, measured);
      if (r.get(keys.size() + 1) != null || stored != null) {
        last.vectors().add(stored);
        last.dims().add(r.get(keys.size() + 1, Integer.class));
      }
    }
    return out;
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable vector snapshot: " + json, e);
    }
  }
}
