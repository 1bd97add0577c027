package io.trimtab.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.trimtab.spark.objective.Example;
import io.trimtab.spark.objective.Examples;
import io.trimtab.spark.objective.FeatureColumns;
import io.trimtab.spark.objective.LogisticLoss;
import io.trimtab.spark.objective.LogisticObjective;
import io.trimtab.spark.serve.ServedTable;
import io.trimtab.spark.train.FitSummary;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.spark.tune.TuningResult;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * A trained logistic regression, as a Spark ML {@code Model}: weights, intercept, and what training
 * did. {@link #transform} adds the probability of the positive class (a double) and the 0/1
 * prediction; {@link #evaluate} gives log-loss, AUC and accuracy; both run as Spark jobs with the
 * weights broadcast once, or, for a model kept on the shards ({@link #onShards}), with each task
 * pulling the keys of its rows from the shards a batch at a time. {@code write().save(path)} saves
 * the weights and the Params ({@link #load} reads them back); the training history is not saved, so
 * a loaded model has none.
 */
public final class PsLogisticRegressionModel extends PsModel<PsLogisticRegressionModel> {
  private static final long serialVersionUID = 1L;
  private final double[] weights;
  private final double intercept;

  PsLogisticRegressionModel(
      double[] weights,
      double intercept,
      List<EpochMetrics> epochs,
      long trainingRows,
      TuningResult tuning) {
    this(
        Identifiable.randomUID("psLogRegModel"),
        weights.length,
        1,
        withIntercept(weights, intercept),
        new FitSummary(epochs, trainingRows, tuning, 0, 0, List.of(), Double.NaN, List.of()));
  }

  /**
   * A model of {@code numFeatures} weights then the intercept ({@code values}, as {@link
   * LogisticObjective} lays them out).
   */
  PsLogisticRegressionModel(
      String uid, long numFeatures, int width, double[] values, FitSummary summary) {
    super(uid, numFeatures, width, values, summary);
    if (width != 1 || values.length != numFeatures + 1) {
      throw new IllegalArgumentException(
          "Invalid logistic regression values: "
              + values.length
              + " for "
              + numFeatures
              + " features (expected "
              + (numFeatures + 1)
              + ": the weights, then the intercept)");
    }
    // gathered: its values are one array, so its features number at most 2^31
    this.weights = Arrays.copyOf(values, Math.toIntExact(numFeatures));
    this.intercept = values[Math.toIntExact(numFeatures)];
  }

  /**
   * A model kept on the shards: {@code numFeatures} weights then the intercept, in {@code table}.
   */
  PsLogisticRegressionModel(String uid, long numFeatures, ServedTable table, FitSummary summary) {
    super(uid, numFeatures, table, summary);
    if (table.width() != 1 || table.keys() != numFeatures + 1L) {
      throw new IllegalArgumentException(
          "Invalid served logistic regression: "
              + table.keys()
              + " keys of width "
              + table.width()
              + " for "
              + numFeatures
              + " features (expected "
              + (numFeatures + 1L)
              + " of width 1: the weights, then the intercept)");
    }
    this.weights = null;
    this.intercept = Double.NaN;
  }

  /** Makes gathered and served models (for fit, {@code copy} and load). */
  static final Factory<PsLogisticRegressionModel> FACTORY =
      new Factory<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public PsLogisticRegressionModel make(
            String uid, long numFeatures, int width, double[] values, FitSummary summary) {
          return new PsLogisticRegressionModel(uid, numFeatures, width, values, summary);
        }

        @Override
        public boolean serves() {
          return true;
        }

        @Override
        public PsLogisticRegressionModel served(
            String uid, long numFeatures, ServedTable table, FitSummary summary) {
          return new PsLogisticRegressionModel(uid, numFeatures, table, summary);
        }
      };

  private static double[] withIntercept(double[] weights, double intercept) {
    double[] v = Arrays.copyOf(weights, weights.length + 1);
    v[weights.length] = intercept;
    return v;
  }

  @Override
  protected Factory<PsLogisticRegressionModel> factory() {
    return FACTORY;
  }

  @Override
  protected DataType probabilityType() {
    return DataTypes.DoubleType;
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<PsLogisticRegressionModel> read() {
    return new PsModelIo.Reader<>(PsLogisticRegressionModel.class, FACTORY);
  }

  public static PsLogisticRegressionModel load(String path) {
    return read().load(path);
  }

  /**
   * A copy of the feature weights.
   *
   * @throws IllegalStateException if the model is kept on the shards ({@link #onShards})
   */
  public double[] weights() {
    if (weights == null) {
      values(); // names the placement
    }
    return weights.clone();
  }

  /** The intercept (pulled from the shards if the model is kept there). */
  public double intercept() {
    return served() == null ? intercept : served().pull(new long[] {numFeatures()})[0];
  }

  /** P(label = 1 | features) (pulling only these features' weights if kept on the shards). */
  public double probability(Vector features) {
    if (served() != null) {
      return LogisticLoss.sigmoid(
          BatchScores.margin(BatchScores.served(served()), numFeatures(), features));
    }
    ModelSchema.checkSize(features, weights.length);
    return LogisticLoss.sigmoid(margin(weights, intercept, features));
  }

  /** 1.0 if {@link #probability} >= 0.5, else 0.0. */
  public double predict(Vector features) {
    return probability(features) >= 0.5 ? 1.0 : 0.0;
  }

  /**
   * Adds the probability and prediction columns ({@code probabilityCol}, {@code predictionCol})
   * computed from {@code featuresCol}, or from {@code indicesCol} and {@code valuesCol} when set.
   *
   * @throws IllegalArgumentException naming the column if the features columns are missing or of
   *     another type, or an output column exists already
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    if (served() != null) {
      return BatchScores.logistic(
          dataset, BatchScores.served(served()), numFeatures(), features(), out);
    }
    Broadcast<double[]> w =
        JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()).broadcast(weights);
    double b = intercept;
    if (features().longIndices()) {
      return BatchScores.logistic(
          dataset, BatchScores.broadcast(w, b), numFeatures(), features(), out);
    }
    int dim = weights.length;
    UserDefinedFunction prob =
        udf(
            (org.apache.spark.sql.api.java.UDF1<Vector, Double>)
                v -> {
                  ModelSchema.checkSize(v, dim);
                  return LogisticLoss.sigmoid(margin(w.value(), b, v));
                },
            DataTypes.DoubleType);
    String p = getProbabilityCol();
    Dataset<Row> withProb = dataset.withColumn(p, prob.apply(col(getFeaturesCol())));
    return withProb.withColumn(getPredictionCol(), col(p).geq(0.5).cast(DataTypes.DoubleType));
  }

  /** {@link #transform(Dataset)} reading the features from {@code featuresCol}. */
  public Dataset<Row> transform(Dataset<Row> data, String featuresCol) {
    return copy(ParamMap.empty()).setFeaturesCol(featuresCol).transform(data);
  }

  /**
   * Log-loss, AUC and accuracy on {@code data} (columns {@code labelCol} and {@code featuresCol},
   * or {@code indicesCol} and {@code valuesCol} when set).
   */
  public Evaluation evaluate(Dataset<Row> data) {
    return evaluate(data, getLabelCol(), features());
  }

  /** Log-loss, AUC and accuracy on {@code data}, reading vectors from {@code featuresCol}. */
  public Evaluation evaluate(Dataset<Row> data, String labelCol, String featuresCol) {
    return evaluate(data, labelCol, FeatureColumns.vector(featuresCol));
  }

  private Evaluation evaluate(Dataset<Row> data, String labelCol, FeatureColumns cols) {
    cols.check(data.schema(), labelCol);
    if (served() != null || cols.longIndices()) {
      return evaluateByTransform(data, labelCol, cols);
    }
    Broadcast<double[]> w =
        JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext()).broadcast(weights);
    double b = intercept;
    int dim = weights.length;
    JavaRDD<Tuple2<Object, Object>> scored =
        Examples.toExamples(data, labelCol, cols.featuresCol(), dim, LogisticObjective.INSTANCE)
            .map(
                e ->
                    new Tuple2<>(
                        (Object) LogisticLoss.sigmoid(margin(w.value(), b, e)),
                        (Object) e.label()));
    return Metrics.of(scored);
  }

  /**
   * {@link #evaluate} through {@link #transform}'s batches: for a model kept on the shards, and for
   * rows with 64-bit indices.
   */
  private Evaluation evaluateByTransform(Dataset<Row> data, String labelCol, FeatureColumns cols) {
    String p = "__trimtab_p_" + uid();
    String y = "__trimtab_y_" + uid();
    PsLogisticRegressionModel m =
        copy(ParamMap.empty())
            .setFeaturesCol(cols.featuresCol())
            .setProbabilityCol(p)
            .setPredictionCol("__trimtab_pred_" + uid());
    if (cols.longIndices()) {
      m.setIndicesCol(cols.indicesCol()).setValuesCol(cols.valuesCol());
    } else {
      m.clear(m.indicesCol());
    }
    Dataset<Row> scored = m.transform(data.withColumn(y, col(labelCol).cast(DataTypes.DoubleType)));
    JavaRDD<Tuple2<Object, Object>> pairs =
        scored
            .select(p, y)
            .javaRDD()
            .map(
                r -> {
                  double label = r.getDouble(1);
                  if (label != 0 && label != 1) {
                    throw new IllegalArgumentException(
                        "Invalid label "
                            + label
                            + " (expected 0 or 1; map -1/+1 labels to 0/1 first)");
                  }
                  return new Tuple2<>((Object) r.getDouble(0), (Object) label);
                });
    return Metrics.of(pairs);
  }

  static double margin(double[] w, double b, Vector v) {
    double z = b;
    if (v instanceof org.apache.spark.ml.linalg.SparseVector sv) {
      int[] idx = sv.indices();
      double[] val = sv.values();
      for (int i = 0; i < idx.length; i++) {
        z += w[idx[i]] * val[i];
      }
    } else {
      double[] val = v.toArray();
      for (int i = 0; i < val.length; i++) {
        z += w[i] * val[i];
      }
    }
    return z;
  }

  static double margin(double[] w, double b, Example e) {
    double z = b;
    long[] idx = e.indices();
    double[] val = e.values();
    for (int i = 0; i < idx.length; i++) {
      z += w[(int) idx[i]] * val[i];
    }
    return z;
  }

  /** Binary metrics from (probability, label) pairs. */
  public static final class Metrics {
    private Metrics() {}

    /** Log-loss, exact AUC and accuracy of scored pairs (probability, label in {0,1}). */
    public static Evaluation of(JavaRDD<Tuple2<Object, Object>> scored) {
      scored = scored.cache();
      double[] sums =
          scored
              .map(
                  t -> {
                    double p = (Double) t._1();
                    double y = (Double) t._2();
                    double pc = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
                    double ll = -(y * Math.log(pc) + (1 - y) * Math.log(1 - pc));
                    double correct = (p >= 0.5 ? 1.0 : 0.0) == y ? 1 : 0;
                    return new double[] {ll, correct, 1};
                  })
              .reduce((a, c) -> new double[] {a[0] + c[0], a[1] + c[1], a[2] + c[2]});
      double auc = new BinaryClassificationMetrics(scored.rdd()).areaUnderROC();
      scored.unpersist(false);
      return new Evaluation(sums[0] / sums[2], auc, sums[1] / sums[2], (long) sums[2]);
    }
  }
}
