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
  static final String VALUES = "values";

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

  static Param<String> indicesCol(Params parent) {
    return new Param<>(
        parent,
        "indicesCol",
        "column of 64-bit feature indices (array<long>, ascending, distinct), read with valuesCol"
            + " instead of featuresCol when set (PsLogisticRegression; unset: featuresCol)");
  }

  static Param<String> valuesCol(Params parent) {
    return new Param<>(parent, "valuesCol", "column of the values of indicesCol (array<double>)");
  }

  static Param<String> predictionCol(Params parent) {
    return new Param<>(parent, "predictionCol", "prediction column name");
  }

  static Param<String> probabilityCol(Params parent) {
    return new Param<>(
        parent, "probabilityCol", "column of the predicted probability of the positive class");
  }
}
