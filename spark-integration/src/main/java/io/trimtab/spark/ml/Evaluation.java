package io.trimtab.spark.ml;

import java.io.Serializable;
import java.util.Locale;

/**
 * Quality of a binary classifier on a data set.
 *
 * @param logLoss mean negative log-likelihood (natural log)
 * @param auc area under the ROC curve (exact, Spark MLlib's BinaryClassificationMetrics)
 * @param accuracy share of rows where probability >= 0.5 matches the label
 * @param count rows evaluated
 */
public record Evaluation(double logLoss, double auc, double accuracy, long count)
    implements Serializable {
  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "log-loss %.5f  AUC %.5f  accuracy %.4f  (%d rows)",
        logLoss,
        auc,
        accuracy,
        count);
  }
}
