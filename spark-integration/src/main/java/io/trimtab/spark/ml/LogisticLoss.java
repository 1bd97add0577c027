package io.trimtab.spark.ml;

/** Numerically stable pieces of binary logistic regression. */
final class LogisticLoss {
  private LogisticLoss() {}

  /** P(y = 1) for margin z. */
  static double sigmoid(double z) {
    if (z >= 0) {
      return 1.0 / (1.0 + Math.exp(-z));
    }
    double e = Math.exp(z);
    return e / (1.0 + e);
  }

  /** -log P(label | z) = log(1 + e^z) - label * z, without overflow. */
  static double loss(double label, double z) {
    double softplus = z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    return softplus - label * z;
  }
}
