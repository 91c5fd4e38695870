package io.hal9.migrate.engine.internal.steps.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.hal9.migrate.engine.api.DataSources;
import io.hal9.migrate.engine.internal.database.Database;
import io.hal9.migrate.engine.spi.tables.Catalog;
import io.hal9.migrate.engine.spi.tables.UserTable;
import io.hal9.migrate.support.OnBothDatabases;
import io.hal9.migrate.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * What verification measures of a stored vector, the same on both databases (arrays read in binary from
 * PostgreSQL, as objects from H2): its length and norm, a norm far from 1 for elements whose squares under- or
 * overflow, no norm for a missing element, nothing for SQL NULL; and a query over odd vectors does not fail.
 */
class VectorMeasureTest {
  private static final float TINY = Float.MIN_VALUE;
  private static final float HUGE = 1e30f;

  @OnBothDatabases
  void measuresEveryVectorTypeAlikeOnEachDatabase(TestDatabase db) throws Exception {
    for (VectorType type : VectorType.values()) {
      db.execute("DROP TABLE IF EXISTS measured");
      db.execute("CREATE TABLE measured (id INT PRIMARY KEY, v " + type.sql(db) + ")");
      List<Object> values = new ArrayList<>(List.of(
          vector(type, 0.6f, 0.8f),
          vector(type, 3f, 4f, 0f),
          vector(type, TINY, 0.6f, 0.8f),
          vector(type, HUGE, 1f),
          vector(type)));
      values.add(null);
      try (Connection c = db.connect(); PreparedStatement insert = c.prepareStatement("INSERT INTO measured VALUES (?, ?)")) {
        for (int i = 0; i < values.size(); i++) {
          insert.setInt(1, i);
          type.bind(c, insert, 2, values.get(i));
          insert.executeUpdate();
        }
      }

      List<VectorTarget.Measure> measures = measure(db, type);

      assertThat(measures.get(0).length()).as(type.name()).isEqualTo(2);
      assertThat(measures.get(0).norm()).as(type.name()).isCloseTo(1.0, within(1e-6));
      assertThat(measures.get(1).length()).isEqualTo(3);
      assertThat(measures.get(1).norm()).isCloseTo(5.0, within(1e-6));
      assertThat(measures.get(2).length()).isEqualTo(3);
      assertThat(measures.get(2).norm()).as(type + " with a subnormal element").isCloseTo(1.0, within(1e-6));
      assertThat(measures.get(3).norm()).as(type + " with a huge element").isGreaterThan(1e29);
      assertThat(measures.get(4).length()).as(type + " empty").isZero();
      assertThat(Math.abs(measures.get(4).norm() - 1) <= Verification.NORM_TOLERANCE).as(type + " empty").isFalse();
      assertThat(measures.get(5)).as(type + " NULL").isNull();
    }
  }

  @OnBothDatabases
  void anArrayWithAMissingElementHasNoNorm(TestDatabase db) throws Exception {
    db.execute("CREATE TABLE measured (id INT PRIMARY KEY, v " + VectorType.REAL.sql(db) + ")");
    db.execute("INSERT INTO measured VALUES (1, " + (db.isPostgres() ? "ARRAY[0.6, NULL]::real[]" : "ARRAY[0.6, NULL]") + ")");

    VectorTarget.Measure measure = measure(db, VectorType.REAL).get(0);

    assertThat(measure.length()).isEqualTo(2);
    assertThat(measure.norm()).isNaN();
  }

  private static List<VectorTarget.Measure> measure(TestDatabase db, VectorType type) {
    DSLContext dsl = DataSources.dsl(db.dataSource());
    UserTable table = Catalog.of(dsl).table("measured").orElseThrow();
    VectorColumn column = VectorColumn.of(table, table.column("v").orElseThrow());
    List<Field<?>> measured = column.measured(dsl.dialect());
    List<Field<?>> fields = new ArrayList<>(List.of(DSL.field(DSL.unquotedName("id"))));
    fields.addAll(measured);
    List<VectorTarget.Measure> out = new ArrayList<>();
    // As verification reads: through the database's binary results.
    DSLContext reads = Database.of(dsl.dialect()).binaryResults(dsl);
    for (Record r : reads.select(fields).from(table.table()).orderBy(DSL.field(DSL.unquotedName("id"))).fetch()) {
      out.add(column.measure(r, 1, measured));
    }
    return out;
  }

  private static Object vector(VectorType type, float... v) {
    return switch (type) {
      case REAL -> v;
      case DOUBLE -> {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
          // The extremes of doubles, whose squares are out of a double's range.
          d[i] = v[i] == TINY ? Double.MIN_VALUE : v[i] == HUGE ? 1e300 : v[i];
        }
        yield d;
      }
      case BYTES -> VectorColumn.bytes(v);
    };
  }
}
