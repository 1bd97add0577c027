package io.trimtab.spark.objective;

/**
 * Multinomial (softmax) logistic regression over {@code K} classes: key {@code i < numFeatures}
 * holds feature i's K weights (width K), key {@code numFeatures} the K intercepts. For a row with
 * margins {@code z_c = b_c + w_c.x} and class probabilities {@code p = softmax(z)}, the loss is
 * {@code -log p_y} and the gradient of {@code w_ic} is {@code x_i (p_c - [c = y])}.
 *
 * <p>Reference: Bishop, Pattern Recognition and Machine Learning, section 4.3.4.
 */
public final class SoftmaxObjective implements Objective {
  private static final long serialVersionUID = 1L;
  private final int classes;

  public SoftmaxObjective(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException(
          "Invalid number of classes: " + classes + " (must be >= 2)");
    }
    this.classes = classes;
  }

  @Override
  public String name() {
    return "softmax";
  }

  @Override
  public int width() {
    return classes;
  }

  @Override
  public String labelProblem(double label) {
    return classProblem(label, classes);
  }

  /** Null if {@code label} is a class 0 .. classes-1, else what was expected. */
  static String classProblem(double label, int classes) {
    return label >= 0 && label < classes && label == Math.rint(label)
        ? null
        : "expected a class 0, 1, ..., " + (classes - 1);
  }

  @Override
  public double gradient(MiniBatch batch, double[] w, double[] grad) {
    int k = classes;
    int bias = w.length - k;
    int[] start = batch.rowStart();
    int[] pos = batch.positions();
    double[] val = batch.values();
    double[] labels = batch.labels();
    double[] z = new double[k];
    double loss = 0;
    for (int r = 0; r < labels.length; r++) {
      System.arraycopy(w, bias, z, 0, k);
      for (int j = start[r]; j < start[r + 1]; j++) {
        int o = pos[j] * k;
        double x = val[j];
        for (int c = 0; c < k; c++) {
          z[c] += w[o + c] * x;
        }
      }
      int y = (int) labels[r];
      loss += softmaxInPlace(z, y);
      z[y] -= 1;
      // z now holds p - onehot(y)
      for (int j = start[r]; j < start[r + 1]; j++) {
        int o = pos[j] * k;
        double x = val[j];
        for (int c = 0; c < k; c++) {
          grad[o + c] += z[c] * x;
        }
      }
      for (int c = 0; c < k; c++) {
        grad[bias + c] += z[c];
      }
    }
    return loss;
  }

  /**
   * Turns margins into probabilities in place (stable: shifted by the largest), returns -log p_y.
   */
  public static double softmaxInPlace(double[] z, int y) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (int c = 0; c < z.length; c++) {
      sum += Math.exp(z[c] - max);
    }
    double logSum = max + Math.log(sum);
    double loss = logSum - z[y];
    for (int c = 0; c < z.length; c++) {
      z[c] = Math.exp(z[c] - logSum);
    }
    return loss;
  }

  @Override
  public String describe(long numFeatures) {
    return "Softmax regression, " + classes + " classes, " + numFeatures + " features";
  }
}
