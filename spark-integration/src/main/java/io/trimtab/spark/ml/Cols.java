package io.trimtab.spark.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The column Params that estimators and their models share, made in one place with one name, doc
 * and default each: Spark copies Params from an estimator to its model by name.
 */
final class Cols {
  static final String LABEL = "label";
  static final String FEATURES = "features";
  static final String PREDICTION = "prediction";
  static final String PROBABILITY = "probability";

  private Cols() {}

  static Param<String> labelCol(Params parent) {
    return new Param<>(parent, "labelCol", "label column name");
  }

  static Param<String> featuresCol(Params parent) {
    return new Param<>(
        parent,
        "featuresCol",
        "features column name (an org.apache.spark.ml.linalg.Vector column)");
  }

  static Param<String> predictionCol(Params parent) {
    return new Param<>(parent, "predictionCol", "prediction column name");
  }

  static Param<String> probabilityCol(Params parent) {
    return new Param<>(
        parent, "probabilityCol", "column of the predicted probability of the positive class");
  }
}
