package io.trimtab.spark.objective;

import breeze.linalg.DenseMatrix;
import breeze.linalg.operators.HasOps$;
import java.util.SplittableRandom;

/**
 * A multilayer perceptron with one hidden layer of {@code H} ReLU units and a softmax output over
 * {@code K} classes, trained by backpropagation (Rumelhart, Hinton and Williams, Nature 1986); the
 * dense products of a mini-batch run in Breeze ({@code DenseMatrix} products, BLAS {@code dgemm}).
 *
 * <p>Layout, width {@code H}: key {@code i < numFeatures} holds the input weights of feature i (one
 * per hidden unit), so a sparse row pulls only its features' rows; key {@code numFeatures} the
 * hidden biases; keys {@code numFeatures + 1 .. numFeatures + K} the output weights of class 1..K
 * (one per hidden unit); key {@code numFeatures + K + 1} the K output biases (its first K values;
 * hence {@code K <= H}). The weights start from Glorot's uniform distribution, the biases from
 * zero.
 *
 * <p>For a batch of n rows: {@code Z1 = X W1 + b1} (sparse rows, a loop), {@code A1 = relu(Z1)},
 * {@code Z2 = A1 W2 + b2} (Breeze), {@code P = softmax(Z2)}; backwards {@code D2 = P - Y}, {@code
 * dW2 = A1^T D2} and {@code dA1^T = W2 D2^T} (Breeze), {@code D1 = dA1 * relu'(Z1)}, {@code dW1 =
 * X^T D1} (a loop over the rows' non-zeros).
 */
public final class MlpObjective implements Objective {
  private static final long serialVersionUID = 1L;
  private final int hidden;
  private final int classes;

  public MlpObjective(int hidden, int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException(
          "Invalid number of classes: " + classes + " (must be >= 2)");
    }
    if (hidden < classes || hidden > io.trimtab.ps.TableSpec.MAX_WIDTH) {
      throw new IllegalArgumentException(
          "Invalid hidden layer size: "
              + hidden
              + " (must be "
              + classes
              + " .. "
              + io.trimtab.ps.TableSpec.MAX_WIDTH
              + ": at least the "
              + classes
              + " classes)");
    }
    this.hidden = hidden;
    this.classes = classes;
  }

  @Override
  public String name() {
    return "mlp";
  }

  @Override
  public int width() {
    return hidden;
  }

  @Override
  public long dimension(long numFeatures) {
    return numFeatures + classes + 2L;
  }

  @Override
  public long[] extraKeys(long numFeatures) {
    long[] keys = new long[classes + 2];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = numFeatures + i;
    }
    return keys;
  }

  @Override
  public String labelProblem(double label) {
    return SoftmaxObjective.classProblem(label, classes);
  }

  @Override
  public double gradient(MiniBatch batch, double[] w, double[] grad) {
    int h = hidden;
    int k = classes;
    int n = batch.rows();
    if (n == 0) {
      return 0;
    }
    // offsets of the extra keys, which follow the batch's features
    int b1 = w.length - (k + 2) * h;
    int w2 = b1 + h;
    int b2 = w2 + k * h;
    int[] start = batch.rowStart();
    int[] pos = batch.positions();
    double[] val = batch.values();
    // hidden pre-activations, H x n column-major (column r: row r)
    double[] z1 = new double[h * n];
    for (int r = 0; r < n; r++) {
      int o = r * h;
      System.arraycopy(w, b1, z1, o, h);
      for (int j = start[r]; j < start[r + 1]; j++) {
        int p = pos[j] * h;
        double x = val[j];
        for (int u = 0; u < h; u++) {
          z1[o + u] += w[p + u] * x;
        }
      }
    }
    double[] a1 = new double[h * n];
    for (int i = 0; i < a1.length; i++) {
      a1[i] = Math.max(0, z1[i]);
    }
    DenseMatrix<Object> a1Rows =
        new DenseMatrix<>(n, h, a1, 0, h, true); // n x H, the transpose of H x n
    DenseMatrix<Object> w2m = new DenseMatrix<>(h, k, w, w2, h, false); // H x K, column c: class c
    double[] z2 = data(times(a1Rows, w2m)); // n x K column-major
    double[] labels = batch.labels();
    double loss = 0;
    double[] row = new double[k];
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < k; c++) {
        row[c] = z2[r + n * c] + w[b2 + c];
      }
      int y = (int) labels[r];
      loss += SoftmaxObjective.softmaxInPlace(row, y);
      row[y] -= 1;
      for (int c = 0; c < k; c++) {
        z2[r + n * c] = row[c]; // now D2 = P - Y
        grad[b2 + c] += row[c];
      }
    }
    DenseMatrix<Object> d2 = new DenseMatrix<>(n, k, z2);
    // dW2 = A1^T D2 (H x K), laid out as the output weights' keys
    double[] dw2 = data(times(new DenseMatrix<>(h, n, a1), d2));
    for (int i = 0; i < dw2.length; i++) {
      grad[w2 + i] += dw2[i];
    }
    // dA1^T = W2 D2^T (H x n), then through the ReLU
    double[] d1 = data(times(w2m, new DenseMatrix<>(k, n, z2, 0, n, true)));
    for (int r = 0; r < n; r++) {
      int o = r * h;
      for (int u = 0; u < h; u++) {
        double d = z1[o + u] > 0 ? d1[o + u] : 0;
        d1[o + u] = d;
        grad[b1 + u] += d;
      }
      for (int j = start[r]; j < start[r + 1]; j++) {
        int p = pos[j] * h;
        double x = val[j];
        for (int u = 0; u < h; u++) {
          grad[p + u] += x * d1[o + u];
        }
      }
    }
    return loss;
  }

  /** Breeze's dense product (BLAS dgemm; transposed views are passed to it as such, not copied). */
  static DenseMatrix<Object> times(DenseMatrix<Object> a, DenseMatrix<Object> b) {
    return HasOps$.MODULE$.impl_OpMulMatrix_DMD_DMD_eq_DMD().apply(a, b);
  }

  /** The column-major values of a product (a fresh matrix: offset 0, no transpose). */
  static double[] data(DenseMatrix<Object> m) {
    return (double[]) m.data();
  }

  @Override
  public boolean startsFromValues() {
    return true;
  }

  @Override
  public double[] initialValues(int numFeatures, long seed) {
    int h = hidden;
    double[] v = new double[Math.toIntExact(dimension(numFeatures) * h)];
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    double limit1 = Math.sqrt(6.0 / (numFeatures + h));
    for (int i = 0; i < numFeatures * h; i++) {
      v[i] = rnd.nextDouble(-limit1, limit1);
    }
    double limit2 = Math.sqrt(6.0 / (h + classes));
    int w2 = (numFeatures + 1) * h;
    for (int i = w2; i < w2 + classes * h; i++) {
      v[i] = rnd.nextDouble(-limit2, limit2);
    }
    return v;
  }

  @Override
  public String describe(long numFeatures) {
    return "Multilayer perceptron, "
        + numFeatures
        + " inputs, "
        + hidden
        + " ReLU units, "
        + classes
        + " classes";
  }
}
