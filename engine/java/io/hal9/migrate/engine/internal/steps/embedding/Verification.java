package io.hal9.migrate.engine.internal.steps.embedding;

import io.hal9.migrate.engine.spi.tables.RowKey;
import java.util.ArrayList;
import java.util.List;
import org.jooq.DSLContext;

/**
 * The check after an embedding step: every source row with non-empty text has exactly one vector of the model,
 * of the model's dimension, with norm 1 within 1e-3. Reads source rows and their vectors side by side in keyset
 * batches.
 */
final class Verification {
  static final double NORM_TOLERANCE = 1e-3;
  private static final int BATCH = 2000;
  private static final int NAMED = 5;

  /** What the check found: rows checked, rows that differ, and the first few of those with the reason. */
  record Result(long checked, long failed, List<String> firstFailures) {
    boolean passed() {
      return failed == 0;
    }
  }

  private Verification() {}

  static Result run(DSLContext dsl, VectorTarget target, int dimensions) {
    long checked = 0;
    long failed = 0;
    List<String> first = new ArrayList<>();
    RowKey after = null;
    while (true) {
      List<VectorTarget.Stored> rows = target.stored(dsl, after, BATCH);
      if (rows.isEmpty()) {
        return new Result(checked, failed, first);
      }
      for (VectorTarget.Stored row : rows) {
        if (row.text() == null) {
          continue;
        }
        checked++;
        String problem = problem(row, dimensions);
        if (problem != null) {
          failed++;
          if (first.size() < NAMED) {
            first.add(row.key() + " (" + problem + ")");
          }
        }
      }
      after = rows.get(rows.size() - 1).key();
    }
  }

  private static String problem(VectorTarget.Stored row, int dimensions) {
    if (row.vectors().isEmpty()) {
      return "no vector";
    }
    if (row.vectors().size() > 1) {
      return row.vectors().size() + " vectors";
    }
    VectorTarget.Measure v = row.vectors().get(0);
    Integer dim = row.dims().isEmpty() ? null : row.dims().get(0);
    if (v == null || v.length() != dimensions || dim != null && dim != dimensions) {
      return "dimension " + (v == null ? "null" : v.length()) + (dim == null ? "" : " (dim " + dim + ")") + ", expected " + dimensions;
    }
    if (!(Math.abs(v.norm() - 1) <= NORM_TOLERANCE)) {
      return "norm " + v.norm();
    }
    return null;
  }
}
