package io.hal9.migrate.engine.steps;

import static io.hal9.migrate.engine.spi.Param.Kind.INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.POSITIVE_INTEGER;
import static io.hal9.migrate.engine.spi.Param.Kind.IDENTIFIER;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.unquotedName;

import io.hal9.migrate.engine.plan.StepDefinition;
import io.hal9.migrate.engine.spi.Batch;
import io.hal9.migrate.engine.spi.Param;
import io.hal9.migrate.engine.spi.Step;
import io.hal9.migrate.engine.spi.StepContext;
import io.hal9.migrate.engine.spi.StepType;
import java.util.List;
import org.jooq.Field;
import org.jooq.InsertValuesStepN;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * {@code type: neuron-seed}: {@code count} synthetic v1 neurons with ids 1..count, deterministic from
 * {@code seed}. Each batch's inserts and its checkpoint commit in one transaction, so a run killed at any
 * instant and run again ends with exactly {@code count} rows.
 */
public final class NeuronSeedStepType implements StepType {

  @Override
  public String name() {
    return "neuron-seed";
  }

  @Override
  public List<Param> params() {
    return List.of(
        Param.required("count", POSITIVE_INTEGER),
        Param.optional("seed", INTEGER, 42),
        Param.optional("table", IDENTIFIER, "neurons"),
        Param.batchSize(1000));
  }

  @Override
  public Step create(StepDefinition step) {
    return new NeuronSeed(step);
  }

  private static final class NeuronSeed implements Step {
    private final long count;
    private final int batchSize;
    private final SyntheticNeurons neurons;
    private final Table<Record> table;
    private final Field<Long> id;

    NeuronSeed(StepDefinition step) {
      this.count = step.longValue("count");
      this.batchSize = step.intValue("batch-size");
      this.neurons = new SyntheticNeurons(step.longValue("seed"));
      this.table = table(unquotedName(step.string("table")));
      this.id = column("id", SQLDataType.BIGINT);
    }

    @Override
    public void run(StepContext context) {
      context.expect(count);
      JsonColumn state = JsonColumn.of(context.dsl(), table, "state");
      List<Field<?>> columns = List.of(id, column("layer", SQLDataType.VARCHAR), column("kind", SQLDataType.VARCHAR),
          state.field(), column("state_version", SQLDataType.INTEGER), column("updated_at", SQLDataType.LOCALDATETIME));
      long next = context.cursor() == null ? 1 : Long.parseLong(context.cursor()) + 1;
      while (next <= count) {
        long first = next;
        long last = Math.min(count, first + batchSize - 1);
        context.commit(tx -> {
          InsertValuesStepN<Record> insert = tx.insertInto(table).columns(columns);
          for (long i = first; i <= last; i++) {
            SyntheticNeurons.Neuron n = neurons.neuron(i);
            insert = insert.values(n.id(), n.layer(), n.kind(), state.value(n.state()), 1, n.updatedAt());
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
      context.complete(tx -> Batch.of(null, tx.deleteFrom(table).where(id.between(1L, count)).execute()));
    }

    private <T> Field<T> column(String name, org.jooq.DataType<T> type) {
      return field(unquotedName(table.getName(), name), type);
    }
  }

}
