package io.hal9.migrate.engine.internal.steps.embedding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.internal.steps.StepTables;
import io.hal9.migrate.engine.spi.Snapshot;
import io.hal9.migrate.engine.spi.tables.Column;
import io.hal9.migrate.engine.spi.tables.Keyset;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.BatchBindStep;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;

/**
 * {@code target-column:} each row's vector written into a column of the source row itself, as HAL9 keeps a
 * memory's embedding; each snapshot keeps the column's previous value (or its NULL).
 */
final class VectorColumnTarget implements VectorTarget {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SourceTable source;
  private final Keyset keys;
  private final VectorColumn vector;

  private VectorColumnTarget(SourceTable source, VectorColumn vector) {
    this.source = source;
    this.keys = source.keys();
    this.vector = vector;
  }

  /** The step's {@code target-column} in the source table, fit for the model's vectors; empty on a mismatch. */
  static Optional<VectorColumnTarget> resolve(StepTables tables, SourceTable source, int dimensions) {
    Optional<Column> column = tables.column(source.user(), "target-column");
    if (column.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> unfit = VectorColumn.unfit(column.get(), dimensions);
    if (unfit.isPresent()) {
      tables.report("target-column", "column " + source.user().written() + "." + column.get().describe() + " " + unfit.get());
      return Optional.empty();
    }
    return Optional.of(new VectorColumnTarget(source, VectorColumn.of(source.user(), column.get())));
  }

  @Override
  public List<Snapshot> previous(DSLContext tx, RowKey after, RowKey last, List<RowKey> batch) {
    List<Field<?>> fields = new ArrayList<>(keys.fields());
    fields.add(vector.raw());
    Map<String, String> kept = new HashMap<>();
    for (Record r : tx.select(fields).from(source.table()).where(keys.after(after).and(keys.atMost(last))).fetch()) {
      kept.put(keys.json(keys.of(r)), vector.keep(r.get(keys.size())));
    }
    List<Snapshot> snapshots = new ArrayList<>(batch.size());
    for (RowKey key : batch) {
      String json = keys.json(key);
      ObjectNode value = JSON.createObjectNode();
      value.put("value", kept.get(json));
      snapshots.add(new Snapshot(json, value.toString()));
    }
    return snapshots;
  }

  /** One JDBC batch of single-row UPDATEs by key. */
  @Override
  public void write(DSLContext tx, List<RowKey> batch, List<float[]> vectors) {
    if (batch.isEmpty()) {
      return;
    }
    DSLContext dsl = Database.of(tx.dialect()).forRowBinds(tx);
    Map<Field<?>, Field<?>> assignment = Map.of(vector.stored(), vector.placeholder(dsl.dialect()));
    BatchBindStep statement = dsl.batch(dsl.update(source.table()).set(assignment).where(keys.is(placeholderKey())));
    for (int i = 0; i < batch.size(); i++) {
      List<Object> binds = new ArrayList<>();
      binds.add(vector.value(vectors.get(i)));
      binds.addAll(batch.get(i).values());
      statement = statement.bind(binds.toArray());
    }
    statement.execute();
  }

  /** One JDBC batch of single-row UPDATEs by key, as the writes were. */
  @Override
  public void restore(DSLContext tx, List<Snapshot> snapshots) {
    DSLContext dsl = Database.of(tx.dialect()).forRowBinds(tx);
    Map<Field<?>, Field<?>> assignment = Map.of(vector.stored(), vector.placeholder(dsl.dialect()));
    BatchBindStep statement = dsl.batch(dsl.update(source.table()).set(assignment).where(keys.is(placeholderKey())));
    for (Snapshot snapshot : snapshots) {
      JsonNode value = read(snapshot.before()).get("value");
      List<Object> binds = new ArrayList<>();
      binds.add(vector.restored(value == null || value.isNull() ? null : value.asText()));
      binds.addAll(keys.parse(snapshot.key()).values());
      statement = statement.bind(binds.toArray());
    }
    statement.execute();
  }

  @Override
  public List<Stored> stored(DSLContext dsl, RowKey after, int limit) {
    List<Field<?>> measured = vector.measured(dsl.dialect());
    List<Field<?>> fields = new ArrayList<>(keys.fields());
    fields.add(source.column());
    fields.addAll(measured);
    List<Stored> out = new ArrayList<>();
    DSLContext reads = Database.of(dsl.dialect()).binaryResults(dsl);
    for (Record r : reads.select(fields).from(source.table()).where(keys.after(after)).orderBy(keys.ascending()).limit(limit).fetch()) {
      Measure stored = vector.measure(r, keys.size() + 1, measured);
      List<Measure> vectors = new ArrayList<>();
      if (stored != null) {
        vectors.add(stored);
      }
      out.add(new Stored(keys.of(r), source.text(r.get(keys.size(), String.class)), vectors, new ArrayList<>()));
    }
    return out;
  }

  private RowKey placeholderKey() {
    return new RowKey(java.util.Collections.nCopies(keys.size(), null));
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable vector snapshot: " + json, e);
    }
  }
}
