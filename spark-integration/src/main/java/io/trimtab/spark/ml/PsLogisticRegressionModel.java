package io.trimtab.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.Tuple2;

/**
 * A trained logistic regression, as a Spark ML {@code Model}: weights, intercept, and what training
 * did. {@link #transform} adds the probability of the positive class and the 0/1 prediction;
 * {@link #evaluate} gives log-loss, AUC and accuracy; both run as Spark jobs with the weights
 * broadcast once. {@code write().save(path)} saves the weights and the Params ({@link #load} reads
 * them back); the training history is not saved, so a loaded model has none.
 */
public final class PsLogisticRegressionModel extends Model<PsLogisticRegressionModel> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final double[] weights;
  private final double intercept;
  private final Training training;
  private final Param<String> labelCol;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;

  /**
   * What a fit did (all empty or 0 for a loaded model, except the rows).
   *
   * @param epochs per-epoch metrics, in order
   * @param rows rows the model was trained on
   * @param tuning what the tuner did, or null if tuning was off
   * @param repeatedPushes pushes the shards received twice from retried or speculative attempts, and dropped
   * @param replayedClocks clocks trained again after shards were lost
   * @param recoveries one line per recovery from a lost shard
   */
  record Training(List<EpochMetrics> epochs, long rows, TuningResult tuning, long repeatedPushes, long replayedClocks,
      List<String> recoveries) implements Serializable {
    Training {
      epochs = List.copyOf(epochs);
      recoveries = List.copyOf(recoveries);
    }

    static Training loaded(long rows) {
      return new Training(List.of(), rows, null, 0, 0, List.of());
    }
  }

  PsLogisticRegressionModel(double[] weights, double intercept, List<EpochMetrics> epochs, long trainingRows,
      TuningResult tuning) {
    this(org.apache.spark.ml.util.Identifiable.randomUID("psLogRegModel"), weights, intercept,
        new Training(epochs, trainingRows, tuning, 0, 0, List.of()));
  }

  PsLogisticRegressionModel(String uid, double[] weights, double intercept, Training training) {
    this.uid = uid;
    this.weights = weights;
    this.intercept = intercept;
    this.training = training;
    labelCol = Cols.labelCol(this);
    featuresCol = Cols.featuresCol(this);
    predictionCol = Cols.predictionCol(this);
    probabilityCol = Cols.probabilityCol(this);
    setDefault(labelCol, Cols.LABEL);
    setDefault(featuresCol, Cols.FEATURES);
    setDefault(predictionCol, Cols.PREDICTION);
    setDefault(probabilityCol, Cols.PROBABILITY);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> labelCol() {
    return labelCol;
  }

  public Param<String> featuresCol() {
    return featuresCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public PsLogisticRegressionModel setLabelCol(String c) {
    set(labelCol, c);
    return this;
  }

  public PsLogisticRegressionModel setFeaturesCol(String c) {
    set(featuresCol, c);
    return this;
  }

  public PsLogisticRegressionModel setPredictionCol(String c) {
    set(predictionCol, c);
    return this;
  }

  public PsLogisticRegressionModel setProbabilityCol(String c) {
    set(probabilityCol, c);
    return this;
  }

  public String getLabelCol() {
    return getOrDefault(labelCol);
  }

  public String getFeaturesCol() {
    return getOrDefault(featuresCol);
  }

  public String getPredictionCol() {
    return getOrDefault(predictionCol);
  }

  public String getProbabilityCol() {
    return getOrDefault(probabilityCol);
  }

  @Override
  public PsLogisticRegressionModel copy(ParamMap extra) {
    PsLogisticRegressionModel m = copyValues(new PsLogisticRegressionModel(uid, weights, intercept, training), extra);
    return m.setParent(parent());
  }

  /** What the tuner did during training; empty if tuning was off (or the model was loaded). */
  public Optional<TuningResult> tuning() {
    return Optional.ofNullable(training.tuning());
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

  /** Per-epoch metrics of training, in order (empty for a loaded model). */
  public List<EpochMetrics> epochs() {
    return training.epochs();
  }

  /**
   * Pushes the shards received a second time during training, from retried or speculative task
   * attempts, and dropped (counted once per shard): 0 for a run without task failures.
   */
  public long repeatedPushes() {
    return training.repeatedPushes();
  }

  /** Clocks trained again after shards were lost (from the checkpoint restored to where training had got). */
  public long replayedClocks() {
    return training.replayedClocks();
  }

  /** One line per recovery from a lost shard during training: what was lost, what was restored, what replayed. */
  public List<String> recoveries() {
    return training.recoveries();
  }

  /** Rows the model was trained on. */
  public long trainingRows() {
    return training.rows();
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

  /**
   * Adds the probability and prediction columns ({@code probabilityCol}, {@code predictionCol})
   * computed from {@code featuresCol}.
   *
   * @throws IllegalArgumentException naming the column if the features column is missing or not a
   *     vector, or an output column exists already
   */
  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Broadcast<double[]> w = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext())
        .broadcast(weights);
    double b = intercept;
    int dim = weights.length;
    UserDefinedFunction prob = udf((org.apache.spark.sql.api.java.UDF1<Vector, Double>) v -> {
      if (v.size() != dim) {
        throw new IllegalArgumentException("Features vector of size " + v.size() + " (expected " + dim
            + ", the model's number of features)");
      }
      return LogisticLoss.sigmoid(margin(w.value(), b, v));
    }, DataTypes.DoubleType);
    String p = getProbabilityCol();
    Dataset<Row> withProb = dataset.withColumn(p, prob.apply(col(getFeaturesCol())));
    return withProb.withColumn(getPredictionCol(), col(p).geq(0.5).cast(DataTypes.DoubleType));
  }

  /** {@link #transform(Dataset)} reading the features from {@code featuresCol}. */
  public Dataset<Row> transform(Dataset<Row> data, String featuresCol) {
    return copy(ParamMap.empty()).setFeaturesCol(featuresCol).transform(data);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (!Arrays.asList(schema.fieldNames()).contains(getFeaturesCol())) {
      throw new IllegalArgumentException("No features column '" + getFeaturesCol() + "' in the data (columns: "
          + Arrays.toString(schema.fieldNames()) + ")");
    }
    if (!(schema.apply(getFeaturesCol()).dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException("Features column '" + getFeaturesCol() + "' has type "
          + schema.apply(getFeaturesCol()).dataType().simpleString() + " (expected an org.apache.spark.ml.linalg.Vector "
          + "column)");
    }
    return withOutputColumns(schema, getProbabilityCol(), getPredictionCol());
  }

  /** {@code schema} with the two double output columns, which must not exist yet. */
  static StructType withOutputColumns(StructType schema, String probabilityCol, String predictionCol) {
    StructType out = schema;
    for (String c : new String[] {probabilityCol, predictionCol}) {
      if (Arrays.asList(out.fieldNames()).contains(c)) {
        throw new IllegalArgumentException("Output column '" + c + "' exists already in the data (columns: "
            + Arrays.toString(out.fieldNames()) + "; expected a new name: set probabilityCol or predictionCol)");
      }
      out = out.add(new StructField(c, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()));
    }
    return out;
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  /** Reads a model saved with {@code write().save(path)}. */
  public static MLReader<PsLogisticRegressionModel> read() {
    return new Reader();
  }

  public static PsLogisticRegressionModel load(String path) {
    return read().load(path);
  }

  /** Saves the Params as Spark's metadata JSON and the weights as one Parquet row, as MLlib's models do. */
  private static final class Writer extends MLWriter {
    private final PsLogisticRegressionModel model;

    Writer(PsLogisticRegressionModel model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
      StructType schema = new StructType().add("intercept", DataTypes.DoubleType).add("coefficients", new VectorUDT())
          .add("trainingRows", DataTypes.LongType);
      Row row = RowFactory.create(model.intercept, Vectors.dense(model.weights), model.trainingRows());
      sparkSession().createDataFrame(List.of(row), schema).repartition(1).write().parquet(path + "/data");
    }
  }

  private static final class Reader extends MLReader<PsLogisticRegressionModel> {
    @Override
    public PsLogisticRegressionModel load(String path) {
      DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
          PsLogisticRegressionModel.class.getName());
      Row row = sparkSession().read().parquet(path + "/data").select("intercept", "coefficients", "trainingRows")
          .head();
      PsLogisticRegressionModel model = new PsLogisticRegressionModel(metadata.uid(),
          ((Vector) row.get(1)).toArray(), row.getDouble(0), Training.loaded(row.getLong(2)));
      metadata.getAndSetParams(model, Option.empty());
      return model;
    }
  }

  /** Log-loss, AUC and accuracy on {@code data} (columns {@code labelCol}, {@code featuresCol}). */
  public Evaluation evaluate(Dataset<Row> data) {
    return evaluate(data, getLabelCol(), getFeaturesCol());
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
