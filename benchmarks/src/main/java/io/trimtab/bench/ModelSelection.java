package io.trimtab.bench;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsFactorizationMachine;
import io.trimtab.spark.ml.PsMultilayerPerceptron;
import io.trimtab.spark.ml.PsSoftmaxRegression;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.regression.FMRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Chooses the hyper-parameters that {@code ModelsIT} uses, on a validation split carved out of each
 * training set (never on the test split the IT reports): for every model, each point of one grid is
 * fitted on 80% of the training rows and scored on the other 20%; the best point is printed. Where
 * MLlib's counterpart has the same knob (FMRegressor's step size and L2), it is chosen from the
 * same grid the same way; MLlib's L-BFGS classifiers have no step size.
 *
 * <p>Same cluster as the IT: {@code local-cluster[2,1,2048]}, executors of 2 GB.
 */
@Command(
    name = "benchmarks/run-select-models",
    description = "Picks ModelsIT's step sizes on validation splits of the training data.")
public final class ModelSelection {
  static final class Models extends Cli.OneOf {
    Models() {
      super("softmax", "fm", "mlp");
    }
  }

  @Parameters(
      arity = "0..*",
      paramLabel = "<softmax|fm|mlp>",
      converter = Models.class,
      description = "models to tune: softmax, fm, mlp (default: all three)",
      defaultValue = "softmax,fm,mlp",
      split = ",")
  List<String> models = new ArrayList<>();

  private SparkSession spark;

  public static void main(String[] args) {
    Cli.parseOrExit(new ModelSelection(), args).run();
  }

  private void run() {
    System.out.printf(
        "# ModelsIT's hyper-parameters on validation splits (80/20 of each training set)%n"
            + "model,library,params,validation score (accuracy: softmax, mlp; RMSE: fm)%n");
    spark =
        BenchSession.start(
            "local-cluster[2,1,2048]",
            "trimtab-model-selection",
            Map.of("spark.executor.memory", "2g"));
    try {
      for (String m : models) {
        switch (m) {
          case "softmax" -> softmax();
          case "fm" -> fm();
          default -> mlp();
        }
      }
    } finally {
      spark.stop();
    }
  }

  /** A grid point's validation score; higher is better for accuracy, lower for RMSE. */
  private record Point(String library, String params, double score) {}

  private void softmax() {
    Dataset<Row>[] split =
        BuiltinDatasets.fashionMnist(spark).randomSplit(new double[] {0.8, 0.2}, 23);
    Dataset<Row> fit = split[0].cache();
    Dataset<Row> validation = split[1].cache();
    MulticlassClassificationEvaluator accuracy =
        new MulticlassClassificationEvaluator().setMetricName("accuracy");
    List<Point> points = new ArrayList<>();
    for (int batches : new int[] {20, 100}) {
      for (double step : new double[] {0.02, 0.05, 0.1, 0.2}) {
        double acc =
            accuracy.evaluate(
                new PsSoftmaxRegression()
                    .setEpochs(10)
                    .setBatchesPerEpoch(batches)
                    .setStepSize(step)
                    .setNumWorkers(2)
                    .setTuning("off")
                    .fit(fit)
                    .transform(validation));
        points.add(print("softmax", "trimtab", "batches=" + batches + " step=" + step, acc));
      }
    }
    best("softmax", "trimtab", points, Point::score, "validation accuracy");
    fit.unpersist();
    validation.unpersist();
  }

  private void fm() {
    // the IT's split of the ratings (seed 11), then the validation rows out of its training part
    Dataset<Row> train =
        BuiltinDatasets.movieLensOneHot(spark).randomSplit(new double[] {0.8, 0.2}, 11)[0];
    Dataset<Row>[] split = train.randomSplit(new double[] {0.8, 0.2}, 13);
    Dataset<Row> fit = split[0].cache();
    Dataset<Row> validation = split[1].cache();
    RegressionEvaluator rmse = new RegressionEvaluator().setMetricName("rmse");
    List<Point> ours = new ArrayList<>();
    List<Point> theirs = new ArrayList<>();
    for (double step : new double[] {0.05, 0.1, 0.2, 0.3}) {
      for (double reg : new double[] {1e-3, 3e-3, 1e-2}) {
        String params = "step=" + step + " reg=" + reg;
        ours.add(
            print(
                "fm",
                "trimtab",
                params,
                rmse.evaluate(
                    new PsFactorizationMachine()
                        .setFactorSize(8)
                        .setEpochs(30)
                        .setBatchesPerEpoch(20)
                        .setStepSize(step)
                        .setRegParam(reg)
                        .setNumWorkers(2)
                        .setTuning("off")
                        .fit(fit)
                        .transform(validation))));
        theirs.add(
            print(
                "fm",
                "mllib",
                params,
                rmse.evaluate(
                    new FMRegressor()
                        .setFactorSize(8)
                        .setMaxIter(50)
                        .setStepSize(step)
                        .setRegParam(reg)
                        .setSeed(5)
                        .fit(fit)
                        .transform(validation))));
      }
    }
    best("fm", "trimtab", ours, p -> -p.score(), "validation RMSE");
    best("fm", "mllib", theirs, p -> -p.score(), "validation RMSE");
    fit.unpersist();
    validation.unpersist();
  }

  private void mlp() {
    // the IT's third of the training images (seed 17), then the validation rows out of it
    Dataset<Row>[] split =
        BuiltinDatasets.fashionMnist(spark)
            .sample(false, 1.0 / 3, 17)
            .randomSplit(new double[] {0.8, 0.2}, 29);
    Dataset<Row> fit = split[0].cache();
    Dataset<Row> validation = split[1].cache();
    MulticlassClassificationEvaluator accuracy =
        new MulticlassClassificationEvaluator().setMetricName("accuracy");
    List<Point> points = new ArrayList<>();
    for (double step : new double[] {0.005, 0.01, 0.02, 0.05, 0.2}) {
      double acc =
          accuracy.evaluate(
              new PsMultilayerPerceptron()
                  .setHiddenSize(32)
                  .setEpochs(10)
                  .setBatchesPerEpoch(20)
                  .setStepSize(step)
                  .setNumWorkers(2)
                  .setTuning("off")
                  .fit(fit)
                  .transform(validation));
      points.add(print("mlp", "trimtab", "step=" + step, acc));
    }
    best("mlp", "trimtab", points, Point::score, "validation accuracy");
    fit.unpersist();
    validation.unpersist();
  }

  private static Point print(String model, String library, String params, double score) {
    System.out.printf(Locale.ROOT, "%s,%s,%s,%.4f%n", model, library, params, score);
    return new Point(library, params, score);
  }

  private static void best(
      String model,
      String library,
      List<Point> points,
      ToDoubleFunction<Point> goodness,
      String metric) {
    Point b = points.stream().max(Comparator.comparingDouble(goodness)).orElseThrow();
    System.out.printf(
        Locale.ROOT, "# %s %s: best %s (%s %.4f)%n", model, library, b.params(), metric, b.score());
  }
}
