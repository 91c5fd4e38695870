package io.hal9.migrate.engine.internal.database;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import org.jooq.Binding;
import org.jooq.BindingGetResultSetContext;
import org.jooq.BindingGetSQLInputContext;
import org.jooq.BindingGetStatementContext;
import org.jooq.BindingRegisterContext;
import org.jooq.BindingSQLContext;
import org.jooq.BindingSetSQLOutputContext;
import org.jooq.BindingSetStatementContext;
import org.jooq.Converter;

/**
 * Binds a number array (a vector) as the driver takes it, {@code float[]}, {@code double[]} or their boxed forms,
 * past jOOQ's own array binding, which prints every element into an array literal for PostgreSQL to parse again:
 * a primitive array goes to pgjdbc as is, and pgjdbc sends it in binary. Where the driver takes boxed arrays only
 * ({@code boxed}: H2), a primitive one is boxed first.
 */
final class NumberArrayBinding implements Binding<Object, Object> {
  private static final Converter<Object, Object> SAME = Converter.ofNullable(Object.class, Object.class, x -> x, x -> x);

  private final boolean boxed;

  NumberArrayBinding(boolean boxed) {
    this.boxed = boxed;
  }

  @Override
  public Converter<Object, Object> converter() {
    return SAME;
  }

  @Override
  public void sql(BindingSQLContext<Object> ctx) {
    ctx.render().sql(ctx.variable());
  }

  @Override
  public void set(BindingSetStatementContext<Object> ctx) throws SQLException {
    ctx.statement().setObject(ctx.index(), boxed ? box(ctx.value()) : ctx.value());
  }

  private static Object box(Object value) {
    if (value instanceof float[] floats) {
      Float[] out = new Float[floats.length];
      for (int i = 0; i < floats.length; i++) {
        out[i] = floats[i];
      }
      return out;
    }
    if (value instanceof double[] doubles) {
      Double[] out = new Double[doubles.length];
      for (int i = 0; i < doubles.length; i++) {
        out[i] = doubles[i];
      }
      return out;
    }
    return value;
  }

  @Override
  public void get(BindingGetResultSetContext<Object> ctx) throws SQLException {
    ctx.value(ctx.resultSet().getObject(ctx.index()));
  }

  @Override
  public void get(BindingGetStatementContext<Object> ctx) throws SQLException {
    ctx.value(ctx.statement().getObject(ctx.index()));
  }

  @Override
  public void register(BindingRegisterContext<Object> ctx) throws SQLException {
    throw new SQLFeatureNotSupportedException("number arrays are bound, never registered as out parameters");
  }

  @Override
  public void set(BindingSetSQLOutputContext<Object> ctx) throws SQLException {
    throw new SQLFeatureNotSupportedException("number arrays are not written to SQLOutput");
  }

  @Override
  public void get(BindingGetSQLInputContext<Object> ctx) throws SQLException {
    throw new SQLFeatureNotSupportedException("number arrays are not read from SQLInput");
  }
}
