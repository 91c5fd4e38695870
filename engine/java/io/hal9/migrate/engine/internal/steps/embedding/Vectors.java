package io.hal9.migrate.engine.internal.steps.embedding;

/** Small vector arithmetic the step and its verification share. */
public final class Vectors {
  private Vectors() {}

  public static double norm(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    return Math.sqrt(sum);
  }

  /** {@code v} scaled to length 1 (a zero vector stays zero). */
  public static float[] normalised(float[] v) {
    double norm = norm(v);
    if (norm == 0) {
      return v;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }

  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
    }
    return dot / (norm(a) * norm(b));
  }
}
