package io.trimtab.spark;

import java.util.List;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Single-threaded in-memory full-batch gradient descent for logistic regression: the exactness
 * reference.
 */
final class GradientDescentReference {
  private GradientDescentReference() {}

  /** Weights after {@code epochs} steps, intercept last. */
  static double[] train(List<Row> rows, int d, double lr, int epochs) {
    double[] w = new double[d + 1];
    for (int t = 0; t < epochs; t++) {
      double[] g = new double[d + 1];
      for (Row r : rows) {
        SparseVector x = ((Vector) r.get(1)).toSparse();
        double z = w[d];
        for (int k = 0; k < x.indices().length; k++) {
          z += w[x.indices()[k]] * x.values()[k];
        }
        double resid = 1 / (1 + Math.exp(-z)) - r.getDouble(0);
        for (int k = 0; k < x.indices().length; k++) {
          g[x.indices()[k]] += resid * x.values()[k];
        }
        g[d] += resid;
      }
      for (int i = 0; i <= d; i++) {
        w[i] -= lr * g[i] / rows.size();
      }
    }
    return w;
  }

  /** Relative L2 distance of {@code got} (weights, intercept) from {@code ref}. */
  static double relativeError(double[] got, double intercept, double[] ref) {
    int d = ref.length - 1;
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < d; i++) {
      diff += (got[i] - ref[i]) * (got[i] - ref[i]);
      norm += ref[i] * ref[i];
    }
    diff += (intercept - ref[d]) * (intercept - ref[d]);
    norm += ref[d] * ref[d];
    return Math.sqrt(diff / norm);
  }
}
