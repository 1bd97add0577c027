package io.trimtab.app;

import io.trimtab.spark.ml.PsFactorizationMachineModel;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import io.trimtab.spark.ml.PsModel;
import java.util.Locale;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The application's held-out metrics, as its model's kind calls for. */
final class HeldOut {
  private HeldOut() {}

  /** The held-out metrics the model's kind calls for, as one line. */
  static String of(PsModel<?> fitted, Dataset<Row> test) {
    if (fitted instanceof PsLogisticRegressionModel lr) {
      return lr.evaluate(test).toString();
    }
    Dataset<Row> scored = fitted.transform(test).cache();
    if (fitted instanceof PsFactorizationMachineModel fmModel
        && fmModel.getLoss().equals("squared")) {
      RegressionEvaluator e = new RegressionEvaluator();
      return String.format(
          Locale.ROOT,
          "RMSE %.4f  MAE %.4f  rows %d",
          e.setMetricName("rmse").evaluate(scored),
          e.setMetricName("mae").evaluate(scored),
          scored.count());
    }
    if (fitted instanceof PsFactorizationMachineModel) {
      BinaryClassificationEvaluator auc =
          new BinaryClassificationEvaluator().setRawPredictionCol("probability");
      MulticlassClassificationEvaluator acc =
          new MulticlassClassificationEvaluator().setMetricName("accuracy");
      return String.format(
          Locale.ROOT,
          "AUC %.4f  accuracy %.4f  rows %d",
          auc.evaluate(scored),
          acc.evaluate(scored),
          scored.count());
    }
    MulticlassClassificationEvaluator e = new MulticlassClassificationEvaluator();
    return String.format(
        Locale.ROOT,
        "log-loss %.4f  accuracy %.4f  rows %d",
        e.setMetricName("logLoss").evaluate(scored),
        e.setMetricName("accuracy").evaluate(scored),
        scored.count());
  }
}
