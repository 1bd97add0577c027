package io.trimtab.spark.train;

import io.trimtab.spark.serve.ServedTable;

/**
 * What a fit produced: the model's values gathered into the driver, or its table kept on the shards
 * to serve it (exactly one of the two).
 *
 * @param values every key's final values ({@code width} each, key-major), or null if served
 * @param served the model's table on the shards, or null if gathered
 * @param numFeatures the features of the data
 * @param width the objective's {@link io.trimtab.spark.objective.Objective#width}
 * @param summary what training did
 */
public record Fitted(
    double[] values, ServedTable served, long numFeatures, int width, FitSummary summary) {

  public Fitted {
    if ((values == null) == (served == null)) {
      throw new IllegalArgumentException(
          "A fitted model is either gathered (values) or served (a table), not "
              + (values == null ? "neither" : "both"));
    }
  }

  static Fitted gathered(double[] values, long numFeatures, int width, FitSummary summary) {
    return new Fitted(values, null, numFeatures, width, summary);
  }

  static Fitted served(ServedTable served, long numFeatures, FitSummary summary) {
    return new Fitted(null, served, numFeatures, served.width(), summary);
  }
}
