package io.trimtab.spark.objective;

/** Numerically stable pieces of binary logistic regression. */
public final class LogisticLoss {
  private LogisticLoss() {}

  /** P(y = 1) for margin z. */
  public static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }

  /** -log P(label | z) = log(1 + e^z) - label * z, without overflow. */
  public static double loss(double label, double z) {
    double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    return softplus - label * z;
  }
}
