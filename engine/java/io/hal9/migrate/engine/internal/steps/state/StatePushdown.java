package io.hal9.migrate.engine.internal.steps.state;

import static org.jooq.impl.DSL.coalesce;
import static org.jooq.impl.DSL.concat;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.function;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.when;

import io.hal9.migrate.engine.internal.steps.state.StateOps.Clamp;
import io.hal9.migrate.engine.internal.steps.state.StateOps.Default;
import io.hal9.migrate.engine.internal.steps.state.StateOps.LayerMap;
import io.hal9.migrate.engine.internal.steps.state.StateOps.Multiply;
import io.hal9.migrate.engine.internal.steps.state.StateOps.Op;
import io.hal9.migrate.engine.internal.steps.state.StateOps.Remove;
import io.hal9.migrate.engine.internal.steps.state.StateOps.Rename;
import io.hal9.migrate.engine.internal.steps.state.StateOps.SetField;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jooq.CaseConditionStep;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The ops of a step as PostgreSQL jsonb expressions, so a whole batch is transformed inside the database with
 * no row leaving it. Each op maps (document, layer, reason) to new ones with exactly the Java op's result,
 * rejection reason included; paths with numeric parts are left to Java (jsonb would index arrays by them).
 */
final class StatePushdown {
  private static final JSONB EMPTY = JSONB.valueOf("{}");

  /** One stage of the chain: the document, the layer and the first rejection reason (null while valid). */
  record Stage(Field<JSONB> state, Field<String> layer, Field<String> rejection) {}

  private final List<Op> ops;

  private StatePushdown(List<Op> ops) {
    this.ops = ops;
  }

  /** Empty when an op cannot be done exactly in SQL. */
  static Optional<StatePushdown> of(List<Op> ops) {
    for (Op op : ops) {
      for (FieldPath path : paths(op)) {
        if (path.parts().stream().anyMatch(part -> part.matches("-?\\d+"))) {
          return Optional.empty();
        }
      }
    }
    return Optional.of(new StatePushdown(ops));
  }

  int size() {
    return ops.size();
  }

  /** Stage 0 from the stored document: not an object is the one problem JSONB leaves possible. */
  static Stage start(Field<JSONB> state, Field<String> layer) {
    Condition object = typeOf(state).eq(inline("object"));
    return new Stage(when(object, state).otherwise(inline(EMPTY)), layer,
        when(object.not(), inline("state is not a JSON object")));
  }

  /**
   * The stage after op {@code index}, from the previous one (whose fields are columns of a fenced subquery).
   * A rejected row is never written, so later ops may change its document freely; none of them can fail on
   * it, since every nested write checks its parent and stage 0 hands on objects only.
   */
  Stage apply(int index, Stage in, Map<String, Field<String>> columns) {
    Op op = ops.get(index);
    Field<JSONB> s = in.state();
    if (op instanceof Rename r) {
      Field<JSONB> value = at(s, r.from());
      Stage set = setCreating(removeAt(s, r.from()), r.to(), value, in);
      return new Stage(when(value.isNull(), s).otherwise(set.state()), in.layer(),
          set.rejection() == null ? in.rejection() : coalesce(in.rejection(), when(value.isNotNull(), set.rejection())));
    }
    if (op instanceof Clamp c) {
      Field<BigDecimal> number = textAt(s, c.field()).cast(SQLDataType.NUMERIC);
      Field<BigDecimal> clamped = number;
      if (c.min() != null) {
        clamped = DSL.greatest(clamped, inline(c.min()));
      }
      if (c.max() != null) {
        clamped = DSL.least(clamped, inline(c.max()));
      }
      return numeric(in, c.field(), clamped);
    }
    if (op instanceof Multiply m) {
      return numeric(in, m.field(), textAt(s, m.field()).cast(SQLDataType.NUMERIC).mul(inline(m.by())));
    }
    if (op instanceof SetField f) {
      Stage set = setCreating(s, f.field(), inline(JSONB.valueOf(f.value().toString())), in);
      return new Stage(set.state(), in.layer(), set.rejection() == null ? in.rejection() : coalesce(in.rejection(), set.rejection()));
    }
    if (op instanceof Default d) {
      Field<JSONB> current = at(s, d.field());
      Condition missing = current.isNull().or(typeOf(current).eq(inline("null")));
      Stage set = setCreating(s, d.field(), inline(JSONB.valueOf(d.value().toString())), in);
      return new Stage(when(missing, set.state()).otherwise(s), in.layer(),
          set.rejection() == null ? in.rejection() : coalesce(in.rejection(), when(missing, set.rejection())));
    }
    if (op instanceof Remove r) {
      return new Stage(removeAt(s, r.field()), in.layer(), in.rejection());
    }
    if (op instanceof LayerMap l) {
      Field<String> value = l.path() != null ? textAt(s, l.path()) : columns.get(l.column());
      Field<String> otherwise = l.fallback() != null ? inline(l.fallback()) : in.layer();
      if (l.map().isEmpty()) {
        return new Stage(s, otherwise, in.rejection());
      }
      CaseConditionStep<String> mapped = null;
      for (Map.Entry<String, String> entry : l.map().entrySet()) {
        Condition match = value.eq(inline(entry.getKey()));
        mapped = mapped == null ? when(match, inline(entry.getValue())) : mapped.when(match, inline(entry.getValue()));
      }
      return new Stage(s, mapped.otherwise(otherwise), in.rejection());
    }
    throw new IllegalStateException("no SQL for " + op);
  }

  /** Clamp and multiply: numbers change, JSON null and missing fields stay, anything else is rejected. */
  private static Stage numeric(Stage in, FieldPath path, Field<BigDecimal> result) {
    Field<JSONB> s = in.state();
    Field<String> type = typeOf(at(s, path));
    Field<JSONB> changed = setPath(s, path.parts(), field("to_jsonb({0})", JSONB.class, result));
    return new Stage(when(type.eq(inline("number")), changed).otherwise(s), in.layer(),
        coalesce(in.rejection(), when(type.isNotNull().and(type.notIn(inline("number"), inline("null"))),
            concat(inline("'" + path + "' is "), type, inline(", not a number")))));
  }

  /**
   * {@code value} at {@code path}, creating missing or null parents as objects; a parent of another type
   * rejects the row (the document then stays as it was).
   */
  private static Stage setCreating(Field<JSONB> s, FieldPath path, Field<JSONB> value, Stage in) {
    CaseConditionStep<String> rejection = null;
    List<String> parts = path.parts();
    for (int k = 1; k < parts.size(); k++) {
      Field<String> type = typeOf(field("{0} #> {1}", JSONB.class, s, inline(parts.subList(0, k).toArray(String[]::new))));
      Condition blocked = type.isNotNull().and(type.notIn(inline("object"), inline("null")));
      Field<String> reason = concat(inline("'" + path + "': '" + parts.get(k - 1) + "' is "), type, inline(", not an object"));
      rejection = rejection == null ? when(blocked, reason) : rejection.when(blocked, reason);
    }
    Field<JSONB> set = setPath(s, parts, value);
    if (rejection == null) {
      return new Stage(set, in.layer(), null);
    }
    Field<String> reason = rejection.otherwise(DSL.castNull(String.class));
    return new Stage(when(reason.isNull(), set).otherwise(s), in.layer(), reason);
  }

  private static Field<JSONB> setPath(Field<JSONB> doc, List<String> parts, Field<JSONB> value) {
    Field<String[]> key = inline(new String[] {parts.get(0)});
    if (parts.size() == 1) {
      return field("{0} || jsonb_build_object({1}, {2})", JSONB.class, doc, inline(parts.get(0)), value);
    }
    Field<JSONB> child = field("{0} -> {1}", JSONB.class, doc, inline(parts.get(0)));
    Field<JSONB> object = when(typeOf(child).eq(inline("object")), child).otherwise(inline(EMPTY));
    return function("jsonb_set", JSONB.class, doc, key, setPath(object, parts.subList(1, parts.size()), value), inline(true));
  }

  /** {@code #-} raises an error through an array, so it only runs where the parent is an object. */
  private static Field<JSONB> removeAt(Field<JSONB> s, FieldPath path) {
    if (path.parts().size() == 1) {
      return field("{0} - {1}", JSONB.class, s, inline(path.last()));
    }
    Field<JSONB> removed = field("{0} #- {1}", JSONB.class, s, path(path));
    FieldPath parent = FieldPath.of(String.join(".", path.parts().subList(0, path.parts().size() - 1)));
    return when(typeOf(at(s, parent)).eq(inline("object")), removed).otherwise(s);
  }

  // Top-level fields (the common case) use the cheaper single-key operators.
  private static Field<JSONB> at(Field<JSONB> s, FieldPath path) {
    return path.parts().size() == 1 ? field("{0} -> {1}", JSONB.class, s, inline(path.last()))
        : field("{0} #> {1}", JSONB.class, s, path(path));
  }

  private static Field<String> textAt(Field<JSONB> s, FieldPath path) {
    return path.parts().size() == 1 ? field("{0} ->> {1}", String.class, s, inline(path.last()))
        : field("{0} #>> {1}", String.class, s, path(path));
  }

  private static Field<String> typeOf(Field<JSONB> value) {
    return function("jsonb_typeof", String.class, value);
  }

  private static Field<String[]> path(FieldPath path) {
    return inline(path.parts().toArray(String[]::new));
  }

  private static List<FieldPath> paths(Op op) {
    List<FieldPath> paths = new ArrayList<>();
    if (op instanceof Rename r) {
      paths.add(r.from());
      paths.add(r.to());
    } else if (op instanceof Clamp c) {
      paths.add(c.field());
    } else if (op instanceof Multiply m) {
      paths.add(m.field());
    } else if (op instanceof SetField f) {
      paths.add(f.field());
    } else if (op instanceof Default d) {
      paths.add(d.field());
    } else if (op instanceof Remove r) {
      paths.add(r.field());
    } else if (op instanceof LayerMap l && l.path() != null) {
      paths.add(l.path());
    }
    return paths;
  }
}
