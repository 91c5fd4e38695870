package io.hal9.migrate.engine.internal.steps;

import static io.hal9.migrate.engine.spi.Param.Kind.INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.POSITIVE_INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.TABLE;

import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Problems;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepDefinition;
import io.hal9.migrate.engine.spi.StepType;
import io.hal9.migrate.engine.spi.tables.Catalog;
import io.hal9.migrate.engine.spi.tables.Column;
import io.hal9.migrate.engine.spi.tables.ColumnType;
import io.hal9.migrate.engine.spi.tables.UserTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.InsertValuesStepN;
import org.jooq.Record;
import org.jooq.impl.SQLDataType;

/**
 * {@code type: neuron-seed}: {@code count} synthetic v1 neurons with ids 1..count in a table of the reference
 * schema, deterministic from {@code seed}. Each batch's inserts and its checkpoint commit in one transaction, so a
 * run killed at any instant and run again ends with exactly {@code count} rows.
 */
public final class NeuronSeedStepType implements StepType {
  /** The reference schema's columns the seed writes, in order. */
  private static final List<String> COLUMNS = List.of("id", "layer", "kind", "state", "state_version", "updated_at");

  @Override
  public String name() {
    return "neuron-seed";
  }

  @Override
  public List<Param> params() {
    return Param.batched(1000,
        Param.required("count", POSITIVE_INTEGER),
        Param.optional("seed", INTEGER, 42),
        Param.optional("table", TABLE, "neurons"));
  }

  @Override
  public void preflight(StepDefinition step, Catalog catalog, Problems problems) {
    SeedTable.resolve(step, new StepTables(step, catalog, problems));
  }

  @Override
  public Step create(StepDefinition step) {
    return new NeuronSeed(step);
  }

  /** The seeded table: its reference columns, the state bound as its column needs. */
  private record SeedTable(UserTable user, Field<Long> id, List<Field<?>> columns, JsonColumn state) {
    static Optional<SeedTable> resolve(StepDefinition step, StepTables tables) {
      Optional<UserTable> user = tables.table("table");
      if (user.isEmpty()) {
        return Optional.empty();
      }
      List<Column> found = new ArrayList<>();
      for (String name : COLUMNS) {
        tables.column(user.get(), "table", name).ifPresent(found::add);
      }
      if (!tables.ok()) {
        return Optional.empty();
      }
      if (found.get(0).type() != ColumnType.INTEGER) {
        tables.report("table", "column " + user.get().written() + "." + found.get(0).describe()
            + " is not an integer column: the seed writes ids 1..count");
        return Optional.empty();
      }
      UserTable t = user.get();
      JsonColumn state = JsonColumn.of(t, found.get(3));
      Field<Long> id = t.field(found.get(0), SQLDataType.BIGINT);
      return Optional.of(new SeedTable(t, id, List.of(id, t.text(found.get(1)), t.text(found.get(2)), state.field(),
          t.field(found.get(4), SQLDataType.INTEGER), t.field(found.get(5), SQLDataType.LOCALDATETIME)), state));
    }
  }

  private static final class NeuronSeed implements Step {
    private final StepDefinition step;
    private final long count;
    private final int batchSize;
    private final SyntheticNeurons neurons;

    NeuronSeed(StepDefinition step) {
      this.step = step;
      this.count = step.longValue("count");
      this.batchSize = step.intValue("batch-size");
      this.neurons = new SyntheticNeurons(step.longValue("seed"));
    }

    @Override
    public void run(StepContext context) {
      context.expect(count);
      SeedTable table = table(context.dsl());
      long next = context.cursor() == null ? 1 : Long.parseLong(context.cursor()) + 1;
      while (next <= count) {
        long first = next;
        long last = Math.min(count, first + batchSize - 1);
        context.commit(tx -> {
          InsertValuesStepN<Record> insert = tx.insertInto(table.user().table()).columns(table.columns());
          for (long i = first; i <= last; i++) {
            SyntheticNeurons.Neuron n = neurons.neuron(i);
            insert = insert.values(n.id(), n.layer(), n.kind(), table.state().value(n.state()), 1, n.updatedAt());
          }
          insert.execute();
          return Batch.of(Long.toString(last), last - first + 1);
        });
        next = last + 1;
      }
    }

    @Override
    public boolean undoable() {
      return true;
    }

    @Override
    public void undo(StepContext context) {
      SeedTable table = table(context.dsl());
      context.complete(tx -> Batch.of(null, tx.deleteFrom(table.user().table()).where(table.id().between(1L, count)).execute()));
    }

    private SeedTable table(DSLContext dsl) {
      return SeedTable.resolve(step, new StepTables(step, Catalog.of(dsl), StepTables.failing())).orElseThrow();
    }
  }
}
