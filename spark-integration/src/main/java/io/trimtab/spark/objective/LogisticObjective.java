package io.trimtab.spark.objective;

/**
 * Binary logistic regression: one weight per feature and an intercept (key {@code numFeatures}),
 * width 1; the loss of a row is its log-loss, {@code log(1 + e^z) - y z} with {@code z = w.x + b}.
 */
public final class LogisticObjective implements Objective {
  private static final long serialVersionUID = 1L;
  public static final LogisticObjective INSTANCE = new LogisticObjective();

  private LogisticObjective() {}

  @Override
  public String name() {
    return "logreg";
  }

  @Override
  public int width() {
    return 1;
  }

  @Override
  public String labelProblem(double label) {
    return label == 0.0 || label == 1.0 ? null : "expected 0 or 1; map -1/+1 labels to 0/1 first";
  }

  @Override
  public double gradient(MiniBatch batch, double[] w, double[] grad) {
    int bias = w.length - 1;
    int[] start = batch.rowStart();
    int[] pos = batch.positions();
    double[] val = batch.values();
    double[] labels = batch.labels();
    double loss = 0;
    for (int r = 0; r < labels.length; r++) {
      double z = w[bias];
      for (int k = start[r]; k < start[r + 1]; k++) {
        z += w[pos[k]] * val[k];
      }
      loss += LogisticLoss.loss(labels[r], z);
      double g = LogisticLoss.sigmoid(z) - labels[r];
      for (int k = start[r]; k < start[r + 1]; k++) {
        grad[pos[k]] += g * val[k];
      }
      grad[bias] += g;
    }
    return loss;
  }

  @Override
  public String describe(long numFeatures) {
    return "Logistic regression, " + numFeatures + " features";
  }

  @Override
  public boolean readsLongIndices() {
    return true;
  }
}
