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
import java.util.LinkedHashMap;
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
 *
 * <p>Every change to a jsonb document rebuilds all of it, which is most of what the chain costs. So a run of ops on
 * top-level fields does not touch the document: each keeps its fields' new values aside (SQL NULL where the field
 * goes), and one stage after the run writes them all in at most two rebuilds (remove, then add). An op on a nested
 * path, or one reading the document, first has the run written.
 */
final class StatePushdown {
  private static final JSONB EMPTY = JSONB.valueOf("{}");

  /**
   * One stage of the chain: the document, the layer, the first rejection reason (null while valid), and the values
   * of top-level fields changed since the document was last written (SQL NULL: the field is gone).
   */
  record Stage(Field<JSONB> state, Field<String> layer, Field<String> rejection, Map<String, Field<JSONB>> pending) {}

  /** The chain's stages in order: an op, or null where the pending fields are written into the document. */
  private final List<Op> stages;

  private StatePushdown(List<Op> stages) {
    this.stages = stages;
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
    List<Op> stages = new ArrayList<>();
    boolean pending = false;
    for (Op op : ops) {
      boolean onTopLevel = onTopLevelFields(op);
      if (pending && !onTopLevel && !(op instanceof LayerMap l && l.path() == null)) {
        stages.add(null);
        pending = false;
      }
      stages.add(op);
      pending |= onTopLevel;
    }
    if (pending) {
      stages.add(null);
    }
    return Optional.of(new StatePushdown(stages));
  }

  /** The stages of the chain (more than the ops where runs of them are written in). */
  int size() {
    return stages.size();
  }

  /** Stage 0 from the stored document: not an object is the one problem JSONB leaves possible. */
  static Stage start(Field<JSONB> state, Field<String> layer) {
    Condition object = typeOf(state).eq(inline("object"));
    return new Stage(when(object, state).otherwise(inline(EMPTY)), layer,
        when(object.not(), inline("state is not a JSON object")), Map.of());
  }

  /**
   * The stage after stage {@code index}, from the previous one (whose fields are columns of a fenced subquery).
   * A rejected row is never written, so later ops may change its document freely; none of them can fail on
   * it, since every nested write checks its parent and stage 0 hands on objects only.
   */
  Stage apply(int index, Stage in, Map<String, Field<String>> columns) {
    Op op = stages.get(index);
    if (op == null) {
      return written(in);
    }
    if (onTopLevelFields(op)) {
      return onTopLevel(op, in);
    }
    Field<JSONB> s = in.state();
    if (op instanceof Rename r) {
      Field<JSONB> value = at(s, r.from());
      Stage set = setCreating(removeAt(s, r.from()), r.to(), value, in);
      return new Stage(when(value.isNull(), s).otherwise(set.state()), in.layer(),
          set.rejection() == null ? in.rejection() : coalesce(in.rejection(), when(value.isNotNull(), set.rejection())),
          in.pending());
    }
    if (op instanceof Clamp c) {
      return numeric(in, c.field(), clamped(textAt(s, c.field()).cast(SQLDataType.NUMERIC), c));
    }
    if (op instanceof Multiply m) {
      return numeric(in, m.field(), textAt(s, m.field()).cast(SQLDataType.NUMERIC).mul(inline(m.by())));
    }
    if (op instanceof SetField f) {
      Stage set = setCreating(s, f.field(), inline(JSONB.valueOf(f.value().toString())), in);
      Field<String> rejection = set.rejection() == null ? in.rejection() : coalesce(in.rejection(), set.rejection());
      return new Stage(set.state(), in.layer(), rejection, in.pending());
    }
    if (op instanceof Default d) {
      Field<JSONB> current = at(s, d.field());
      Condition missing = current.isNull().or(typeOf(current).eq(inline("null")));
      Stage set = setCreating(s, d.field(), inline(JSONB.valueOf(d.value().toString())), in);
      return new Stage(when(missing, set.state()).otherwise(s), in.layer(),
          set.rejection() == null ? in.rejection() : coalesce(in.rejection(), when(missing, set.rejection())), in.pending());
    }
    if (op instanceof Remove r) {
      return new Stage(removeAt(s, r.field()), in.layer(), in.rejection(), in.pending());
    }
    if (op instanceof LayerMap l) {
      Field<String> value = l.path() != null ? textAt(s, l.path()) : columns.get(l.column());
      Field<String> otherwise = l.fallback() != null ? inline(l.fallback()) : in.layer();
      if (l.map().isEmpty()) {
        return new Stage(s, otherwise, in.rejection(), in.pending());
      }
      CaseConditionStep<String> mapped = null;
      for (Map.Entry<String, String> entry : l.map().entrySet()) {
        Condition match = value.eq(inline(entry.getKey()));
        mapped = mapped == null ? when(match, inline(entry.getValue())) : mapped.when(match, inline(entry.getValue()));
      }
      return new Stage(s, mapped.otherwise(otherwise), in.rejection(), in.pending());
    }
    throw new IllegalStateException("no SQL for " + op);
  }

  /**
   * Whether {@code op}'s result can wait, as new values of top-level fields, to be written into the document: it
   * changes top-level fields only, or sets a field of a top-level object (the new value of that object is small).
   */
  private static boolean onTopLevelFields(Op op) {
    if (op instanceof LayerMap) {
      return false;
    }
    if (op instanceof SetField f) {
      return f.field().parts().size() <= 2;
    }
    return paths(op).stream().allMatch(path -> path.parts().size() == 1);
  }

  /** An op of a run on top-level fields: the document stays, the fields' pending values change. */
  private static Stage onTopLevel(Op op, Stage in) {
    Map<String, Field<JSONB>> pending = new LinkedHashMap<>(in.pending());
    Field<String> rejection = in.rejection();
    if (op instanceof Rename r) {
      Field<JSONB> value = current(in, r.from().last());
      Field<JSONB> target = current(in, r.to().last());
      pending.put(r.from().last(), DSL.castNull(JSONB.class));
      pending.put(r.to().last(), coalesce(value, target));
    } else if (op instanceof Clamp || op instanceof Multiply) {
      String name = op instanceof Clamp c ? c.field().last() : ((Multiply) op).field().last();
      Field<JSONB> value = current(in, name);
      Field<String> type = typeOf(value);
      Field<BigDecimal> number = value.cast(SQLDataType.NUMERIC);
      Field<BigDecimal> result = op instanceof Clamp c ? clamped(number, c) : number.mul(inline(((Multiply) op).by()));
      Field<JSONB> changed = field("to_jsonb({0})", JSONB.class, result);
      pending.put(name, DSL.choose(type).when(inline("number"), changed).otherwise(value));
      // NOT IN is null, so no reason, where the field is missing.
      rejection = coalesce(rejection, when(type.notIn(inline("number"), inline("null")),
          concat(inline("'" + name + "' is "), type, inline(", not a number"))));
    } else if (op instanceof SetField f && f.field().parts().size() == 2) {
      // The parent as setCreating leaves it: an object gets the field, a missing or null one becomes an object
      // holding it, and any other value rejects the row.
      String name = f.field().parts().get(0);
      Field<JSONB> parent = current(in, name);
      Field<String> type = typeOf(parent);
      Field<JSONB> child = field("jsonb_build_object({0}, {1})", JSONB.class, inline(f.field().last()),
          inline(JSONB.valueOf(f.value().toString())));
      pending.put(name, DSL.choose(type).when(inline("object"), field("{0} || {1}", JSONB.class, parent, child))
          .when(inline("null"), child).otherwise(coalesce(parent, child)));
      rejection = coalesce(rejection, when(type.notIn(inline("object"), inline("null")),
          concat(inline("'" + f.field() + "': '" + name + "' is "), type, inline(", not an object"))));
    } else if (op instanceof SetField f) {
      pending.put(f.field().last(), inline(JSONB.valueOf(f.value().toString())));
    } else if (op instanceof Default d) {
      Field<JSONB> value = current(in, d.field().last());
      Condition missing = value.isNull().or(typeOf(value).eq(inline("null")));
      pending.put(d.field().last(), when(missing, inline(JSONB.valueOf(d.value().toString()))).otherwise(value));
    } else if (op instanceof Remove r) {
      pending.put(r.field().last(), DSL.castNull(JSONB.class));
    } else {
      throw new IllegalStateException("not an op on top-level fields: " + op);
    }
    return new Stage(in.state(), in.layer(), rejection, pending);
  }

  /** A top-level field's value as the ops so far leave it: pending, or still the document's. */
  private static Field<JSONB> current(Stage in, String name) {
    Field<JSONB> pending = in.pending().get(name);
    return pending != null ? pending : field("{0} -> {1}", JSONB.class, in.state(), inline(name));
  }

  /**
   * The pending fields written into the document: those gone removed, the others added, where there are any
   * (PostgreSQL hands a document back as it is for an empty key list or an empty object).
   */
  private static Stage written(Stage in) {
    List<Field<String>> gone = new ArrayList<>();
    Field<JSONB> patch = inline(EMPTY);
    for (Map.Entry<String, Field<JSONB>> entry : in.pending().entrySet()) {
      Field<JSONB> value = entry.getValue();
      gone.add(when(value.isNull(), inline(entry.getKey())));
      // Parenthesised: the patch is built first out of small objects, then the document rebuilt once with it.
      Field<JSONB> added = field("jsonb_build_object({0}, {1})", JSONB.class, inline(entry.getKey()), value);
      patch = field("({0} || {1})", JSONB.class, patch, when(value.isNull(), inline(EMPTY)).otherwise(added));
    }
    @SuppressWarnings("unchecked")
    Field<String[]> keys =
        function("array_remove", String[].class, DSL.array(gone.toArray(Field[]::new)), DSL.castNull(String.class));
    Field<JSONB> removed = field("{0} - {1}", JSONB.class, in.state(), keys);
    return new Stage(field("({0}) || {1}", JSONB.class, removed, patch), in.layer(), in.rejection(), Map.of());
  }

  private static Field<BigDecimal> clamped(Field<BigDecimal> number, Clamp c) {
    Field<BigDecimal> clamped = number;
    if (c.min() != null) {
      clamped = DSL.greatest(clamped, inline(c.min()));
    }
    if (c.max() != null) {
      clamped = DSL.least(clamped, inline(c.max()));
    }
    return clamped;
  }

  /** Clamp and multiply: numbers change, JSON null and missing fields stay, anything else is rejected. */
  private static Stage numeric(Stage in, FieldPath path, Field<BigDecimal> result) {
    Field<JSONB> s = in.state();
    Field<String> type = typeOf(at(s, path));
    Field<JSONB> changed = setPath(s, path.parts(), field("to_jsonb({0})", JSONB.class, result));
    return new Stage(when(type.eq(inline("number")), changed).otherwise(s), in.layer(),
        coalesce(in.rejection(), when(type.isNotNull().and(type.notIn(inline("number"), inline("null"))),
            concat(inline("'" + path + "' is "), type, inline(", not a number")))), in.pending());
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
      return new Stage(set, in.layer(), null, in.pending());
    }
    Field<String> reason = rejection.otherwise(DSL.castNull(String.class));
    return new Stage(when(reason.isNull(), set).otherwise(s), in.layer(), reason, in.pending());
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
