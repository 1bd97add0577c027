package io.trimtab.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple2;

/**
 * A trained logistic regression: weights, intercept, and the training history. Immutable and
 * serializable; {@link #evaluate} and {@link #transform} run as Spark jobs with the weights
 * broadcast once.
 */
public final class PsLogisticRegressionModel implements Serializable {
  private static final long serialVersionUID = 1L;
  private final double[] weights;
  private final double intercept;
  private final List<EpochMetrics> epochs;
  private final long trainingRows;
  private final TuningResult tuning;
  private final long repeatedPushes;
  private final long replayedClocks;
  private final List<String> recoveries;

  PsLogisticRegressionModel(double[] weights, double intercept, List<EpochMetrics> epochs, long trainingRows,
      TuningResult tuning) {
    this(weights, intercept, epochs, trainingRows, tuning, 0, 0, List.of());
  }

  PsLogisticRegressionModel(double[] weights, double intercept, List<EpochMetrics> epochs, long trainingRows,
      TuningResult tuning, long repeatedPushes, long replayedClocks, List<String> recoveries) {
    this.repeatedPushes = repeatedPushes;
    this.replayedClocks = replayedClocks;
    this.recoveries = List.copyOf(recoveries);
    this.weights = weights;
    this.intercept = intercept;
    this.epochs = List.copyOf(epochs);
    this.trainingRows = trainingRows;
    this.tuning = tuning;
  }

  /** What the tuner did during training; empty if tuning was off. */
  public java.util.Optional<TuningResult> tuning() {
    return java.util.Optional.ofNullable(tuning);
  }

  /** A copy of the feature weights. */
  public double[] weights() {
    return weights.clone();
  }

  public double intercept() {
    return intercept;
  }

  /** Number of features the model expects. */
  public int numFeatures() {
    return weights.length;
  }

  /** Per-epoch metrics of training, in order. */
  public List<EpochMetrics> epochs() {
    return epochs;
  }

  /**
   * Pushes the shards received a second time during training, from retried or speculative task
   * attempts, and dropped (counted once per shard): 0 for a run without task failures.
   */
  public long repeatedPushes() {
    return repeatedPushes;
  }

  /** Clocks trained again after shards were lost (from the checkpoint restored to where training had got). */
  public long replayedClocks() {
    return replayedClocks;
  }

  /** One line per recovery from a lost shard during training: what was lost, what was restored, what replayed. */
  public List<String> recoveries() {
    return recoveries;
  }

  /** Rows the model was trained on. */
  public long trainingRows() {
    return trainingRows;
  }

  /** P(label = 1 | features). */
  public double probability(Vector features) {
    if (features.size() != weights.length) {
      throw new IllegalArgumentException("Features vector of size " + features.size() + " (expected "
          + weights.length + ", the model's number of features)");
    }
    return LogisticLoss.sigmoid(margin(weights, intercept, features));
  }

  /** 1.0 if {@link #probability} >= 0.5, else 0.0. */
  public double predict(Vector features) {
    return probability(features) >= 0.5 ? 1.0 : 0.0;
  }

  /** Adds {@code probability} and {@code prediction} columns computed from {@code featuresCol}. */
  public Dataset<Row> transform(Dataset<Row> data, String featuresCol) {
    Broadcast<double[]> w = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext()).broadcast(weights);
    double b = intercept;
    UserDefinedFunction prob = udf(
        (org.apache.spark.sql.api.java.UDF1<Vector, Double>) v -> LogisticLoss.sigmoid(margin(w.value(), b, v)),
        DataTypes.DoubleType);
    Dataset<Row> withProb = data.withColumn("probability", prob.apply(col(featuresCol)));
    return withProb.withColumn("prediction", col("probability").geq(0.5).cast(DataTypes.DoubleType));
  }

  /** Log-loss, AUC and accuracy on {@code data} (columns label, features). */
  public Evaluation evaluate(Dataset<Row> data) {
    return evaluate(data, "label", "features");
  }

  /** Log-loss, AUC and accuracy on {@code data}. */
  public Evaluation evaluate(Dataset<Row> data, String labelCol, String featuresCol) {
    Examples.checkSchema(data.schema(), labelCol, featuresCol);
    Broadcast<double[]> w = JavaSparkContext.fromSparkContext(data.sparkSession().sparkContext()).broadcast(weights);
    double b = intercept;
    int dim = weights.length;
    JavaRDD<Tuple2<Object, Object>> scored = Examples.toExamples(data, labelCol, featuresCol, dim)
        .map(e -> new Tuple2<>((Object) LogisticLoss.sigmoid(margin(w.value(), b, e)), (Object) e.label()));
    return Metrics.of(scored);
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
    int[] idx = e.indices();
    double[] val = e.values();
    for (int i = 0; i < idx.length; i++) {
      z += w[idx[i]] * val[i];
    }
    return z;
  }

  /** Binary metrics from (probability, label) pairs. */
  public static final class Metrics {
    private Metrics() {}

    /** Log-loss, exact AUC and accuracy of scored pairs (probability, label in {0,1}). */
    public static Evaluation of(JavaRDD<Tuple2<Object, Object>> scored) {
      scored = scored.cache();
      double[] sums = scored.map(t -> {
        double p = (Double) t._1();
        double y = (Double) t._2();
        double pc = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
        double ll = -(y * Math.log(pc) + (1 - y) * Math.log(1 - pc));
        double correct = (p >= 0.5 ? 1.0 : 0.0) == y ? 1 : 0;
        return new double[] {ll, correct, 1};
      }).reduce((a, c) -> new double[] {a[0] + c[0], a[1] + c[1], a[2] + c[2]});
      double auc = new BinaryClassificationMetrics(scored.rdd()).areaUnderROC();
      scored.unpersist(false);
      return new Evaluation(sums[0] / sums[2], auc, sums[1] / sums[2], (long) sums[2]);
    }
  }
}
