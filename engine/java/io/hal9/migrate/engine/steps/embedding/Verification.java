package io.hal9.migrate.engine.steps.embedding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;

/**
 * The check after an embedding step: every source row with non-empty text has exactly one vector of the model,
 * of the model's dimension, with norm 1 within 1e-3. Reads source and vectors side by side in key ranges.
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

  static Result run(DSLContext dsl, SourceTable source, TargetTable target, String model, int dimensions) {
    long checked = 0;
    long failed = 0;
    List<String> first = new ArrayList<>();
    Long after = null;
    while (true) {
      List<SourceTable.Row> rows = source.read(dsl, after, BATCH);
      if (rows.isEmpty()) {
        return new Result(checked, failed, first);
      }
      long last = rows.get(rows.size() - 1).key();
      Map<Long, List<TargetTable.Stored>> stored = target.read(dsl, model, after, last);
      for (SourceTable.Row row : rows) {
        if (row.text() == null) {
          continue;
        }
        checked++;
        String problem = problem(stored.get(row.key()), dimensions);
        if (problem != null) {
          failed++;
          if (first.size() < NAMED) {
            first.add(row.key() + " (" + problem + ")");
          }
        }
      }
      after = last;
    }
  }

  private static String problem(List<TargetTable.Stored> vectors, int dimensions) {
    if (vectors == null || vectors.isEmpty()) {
      return "no vector";
    }
    if (vectors.size() > 1) {
      return vectors.size() + " vectors";
    }
    TargetTable.Stored s = vectors.get(0);
    if (s.dim() != dimensions || s.vector() == null || s.vector().length != dimensions) {
      return "dimension " + (s.vector() == null ? "null" : s.vector().length) + " (dim " + s.dim() + "), expected " + dimensions;
    }
    double sum = 0;
    for (Float x : s.vector()) {
      sum += x == null ? Double.NaN : (double) x * x;
    }
    double norm = Math.sqrt(sum);
    if (!(Math.abs(norm - 1) <= NORM_TOLERANCE)) {
      return "norm " + norm;
    }
    return null;
  }
}
