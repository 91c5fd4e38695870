package io.hal9.migrate.engine.internal.steps;

import io.hal9.migrate.engine.spi.tables.Keyset;
import io.hal9.migrate.engine.spi.tables.RowKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Param;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.ResultQuery;
import org.jooq.impl.DSL;

/**
 * A query over one key range (after, last] of a step's table, rendered once per step and run as a JDBC prepared
 * statement whose only bind values are the range's bounds. Rendering a long statement for each batch cost the JVM
 * more CPU than the database spent running it; with the same text every time, the driver also prepares it on the
 * server after a few runs, so PostgreSQL parses and plans it once per connection instead of once per batch.
 */
public final class KeyRangeStatement {
  private final Keyset keys;
  private final Function<Bounds, ResultQuery<?>> build;
  /** Without a lower bound (a step's first batch) and with one; each rendered when first needed. */
  private volatile Rendered first;
  private volatile Rendered next;

  /** {@code build} makes the query from the range's conditions; it must bind nothing else (inline constants). */
  public KeyRangeStatement(Keyset keys, Function<Bounds, ResultQuery<?>> build) {
    this.keys = keys;
    this.build = build;
  }

  /** The query's rows for the keys in (after, last]; {@code after} null is the start of the table. */
  public Result<Record> fetch(DSLContext dsl, RowKey after, RowKey last) {
    return rendered(dsl, after != null).fetch(dsl, after, last);
  }

  private Rendered rendered(DSLContext dsl, boolean lower) {
    Rendered rendered = lower ? next : first;
    if (rendered == null) {
      Bounds bounds = new Bounds(lower);
      ResultQuery<?> query = build.apply(bounds);
      rendered = new Rendered(dsl.render(query), bounds.bindOrder(dsl, query), query.fields());
      if (lower) {
        next = rendered;
      } else {
        first = rendered;
      }
    }
    return rendered;
  }

  /** The range's conditions as the query uses them: each call binds the bound's key values once more. */
  public final class Bounds {
    private final boolean lower;
    private final Map<String, Slot> slots = new java.util.HashMap<>();

    private Bounds(boolean lower) {
      this.lower = lower;
    }

    /** Keys after the range's lower bound (up to a bounded keyset's end); from the start for the first range. */
    public Condition after() {
      return lower ? keys.after(params(true)) : keys.end();
    }

    /** Keys up to the range's last one. */
    public Condition atMost() {
      return keys.atMost(params(false));
    }

    /** The range's last key, a value for each key column. */
    public List<Field<Object>> last() {
      return params(false);
    }

    private List<Field<Object>> params(boolean lowerBound) {
      List<Field<Object>> params = new ArrayList<>(keys.size());
      for (int k = 0; k < keys.size(); k++) {
        String name = "range_" + slots.size();
        slots.put(name, new Slot(lowerBound, k));
        params.add(DSL.param(name, keys.fields().get(k).getDataType()));
      }
      return params;
    }

    /** The slots in the order the rendered statement binds them (jOOQ collects its params in that order). */
    private List<Slot> bindOrder(DSLContext dsl, ResultQuery<?> query) {
      List<Slot> order = new ArrayList<>();
      for (Map.Entry<String, Param<?>> param : dsl.extractParams(query).entrySet()) {
        Slot slot = slots.get(param.getKey());
        if (slot != null) {
          order.add(slot);
        }
      }
      int binds = dsl.extractBindValues(query).size();
      if (binds != order.size()) {
        throw new IllegalStateException("a key-range statement binds " + binds + " values, " + order.size()
            + " of them bounds: everything else must be inline");
      }
      return order;
    }
  }

  /** Bind value {@code key} of the lower bound or of the last key. */
  private record Slot(boolean lower, int key) {}

  private record Rendered(String sql, List<Slot> order, Field<?>[] fields) {
    Result<Record> fetch(DSLContext dsl, RowKey after, RowKey last) {
      return dsl.connectionResult(connection -> {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
          for (int i = 0; i < order.size(); i++) {
            Slot slot = order.get(i);
            statement.setObject(i + 1, (slot.lower() ? after : last).values().get(slot.key()));
          }
          try (ResultSet rows = statement.executeQuery()) {
            return dsl.fetch(rows, fields);
          }
        }
      });
    }
  }
}
