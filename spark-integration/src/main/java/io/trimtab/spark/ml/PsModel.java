package io.trimtab.spark.ml;

import io.trimtab.ps.TableStats;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.objective.FeatureColumns;
import io.trimtab.spark.objective.Objective;
import io.trimtab.spark.serve.ServedTable;
import io.trimtab.spark.train.FitSummary;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.spark.tune.TuningResult;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark ML side of every model Trimtab trains: the trained table's values (the layout of its
 * {@link Objective}), what training did, the column Params shared with the estimator (same names,
 * so a fit copies them), the schema checks, {@code copy}, and save and load. A subclass adds how it
 * scores rows.
 *
 * <p>Saved and loaded by {@link PsModelIo}, as MLlib saves its models; a model kept on the shards
 * has its shards write and read its table.
 *
 * <p>Past 400 lines: it is the one Spark ML {@code Model} every Trimtab model extends, and Spark ML
 * wants Params, schema checks, copy and save glue on the model class itself.
 *
 * @param <M> the concrete model (setters and {@code copy} return it)
 */
public abstract class PsModel<M extends PsModel<M>> extends Model<M> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final long numFeatures;
  private final int width;

  /** The trained table's values in the driver, or null when {@link #served}. */
  private final double[] values;

  /** The trained table kept on the shards, or null when gathered into {@link #values}. */
  private final ServedTable served;

  private final FitSummary summary;
  private final Param<String> labelCol;
  private final Param<String> featuresCol;
  private final Param<String> indicesCol;
  private final Param<String> valuesCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;

  /** Makes a model of the concrete class (for {@code copy} and load). */
  interface Factory<M> extends java.io.Serializable {
    M make(String uid, long numFeatures, int width, double[] values, FitSummary summary);

    /** Whether this kind of model can be served from the shards ({@link #served}). */
    default boolean serves() {
      return false;
    }

    /** A model served from {@code table} on the shards (only if {@link #serves}). */
    default M served(String uid, long numFeatures, ServedTable table, FitSummary summary) {
      throw new IllegalStateException("This kind of model cannot be served from the shards");
    }
  }

  /**
   * @param values the trained table, {@code width} doubles per key, key-major
   * @throws IllegalArgumentException if {@code values} is not a whole number of keys of {@code
   *     width}
   */
  protected PsModel(String uid, long numFeatures, int width, double[] values, FitSummary summary) {
    this(uid, numFeatures, width, checked(values, width, numFeatures), null, summary);
  }

  /**
   * A model whose trained table stays on the parameter server's shards, {@code table.keys()} keys
   * of {@code table.width()} values, as the objective lays them out.
   */
  protected PsModel(String uid, long numFeatures, ServedTable table, FitSummary summary) {
    this(uid, numFeatures, table.width(), null, checked(table, numFeatures), summary);
  }

  private PsModel(
      String uid,
      long numFeatures,
      int width,
      double[] values,
      ServedTable served,
      FitSummary summary) {
    this.uid = uid;
    this.numFeatures = numFeatures;
    this.width = width;
    this.values = values;
    this.served = served;
    this.summary = summary;
    labelCol = Cols.labelCol(this);
    featuresCol = Cols.featuresCol(this);
    indicesCol = Cols.indicesCol(this);
    valuesCol = Cols.valuesCol(this);
    predictionCol = Cols.predictionCol(this);
    probabilityCol = Cols.probabilityCol(this);
    setDefault(labelCol, Cols.LABEL);
    setDefault(featuresCol, Cols.FEATURES);
    setDefault(valuesCol, Cols.VALUES);
    setDefault(predictionCol, Cols.PREDICTION);
    setDefault(probabilityCol, Cols.PROBABILITY);
  }

  private static double[] checked(double[] values, int width, long numFeatures) {
    if (width < 1 || values.length % width != 0 || values.length / width <= numFeatures) {
      throw new IllegalArgumentException(
          "Invalid model values: "
              + values.length
              + " doubles of width "
              + width
              + " for "
              + numFeatures
              + " features (expected a key of "
              + width
              + " doubles per feature, and the model's own keys)");
    }
    return values;
  }

  private static ServedTable checked(ServedTable table, long numFeatures) {
    if (table.keys() <= numFeatures) {
      throw new IllegalArgumentException(
          "Invalid served model: "
              + table.keys()
              + " keys for "
              + numFeatures
              + " features (expected a key per feature, and the model's own keys)");
    }
    return table;
  }

  @Override
  public String uid() {
    return uid;
  }

  /**
   * Whether the trained model stays on the parameter server's shards (each task pulls the keys it
   * scores) rather than in this object: see the estimator's {@code modelPlacement}.
   */
  public boolean onShards() {
    return served != null;
  }

  /**
   * Drops a model kept on the shards from them now, rather than when this model and its pending
   * transforms are garbage-collected; it can no longer score. Nothing for a model in the driver.
   */
  public void release() {
    if (served != null) {
      served.release();
    }
  }

  /** This model's maker: the constructor {@code (uid, numFeatures, width, values, summary)}. */
  protected abstract Factory<M> factory();

  /**
   * The type of the probability column (a double for a binary model, a vector of classes
   * otherwise), or null for a model without one (a regression).
   */
  protected abstract DataType probabilityType();

  @SuppressWarnings("unchecked")
  private M self() {
    return (M) this;
  }

  public final Param<String> labelCol() {
    return labelCol;
  }

  public final Param<String> featuresCol() {
    return featuresCol;
  }

  public final Param<String> indicesCol() {
    return indicesCol;
  }

  public final Param<String> valuesCol() {
    return valuesCol;
  }

  /** Reads 64-bit feature indices from {@code c} (with {@code valuesCol}) instead of vectors. */
  public M setIndicesCol(String c) {
    set(indicesCol, c);
    return self();
  }

  public M setValuesCol(String c) {
    set(valuesCol, c);
    return self();
  }

  /** Where the model reads a row's features: the vector column, or 64-bit indices and values. */
  final FeatureColumns features() {
    return isDefined(indicesCol)
        ? new FeatureColumns(
            getFeaturesCol(), getOrDefault(indicesCol), getOrDefault(valuesCol), numFeatures)
        : FeatureColumns.vector(getFeaturesCol());
  }

  public final Param<String> predictionCol() {
    return predictionCol;
  }

  public final Param<String> probabilityCol() {
    return probabilityCol;
  }

  public M setLabelCol(String c) {
    set(labelCol, c);
    return self();
  }

  public M setFeaturesCol(String c) {
    set(featuresCol, c);
    return self();
  }

  public M setPredictionCol(String c) {
    set(predictionCol, c);
    return self();
  }

  public M setProbabilityCol(String c) {
    set(probabilityCol, c);
    return self();
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

  /**
   * Number of features the model expects: a vector's size, or the size of a 64-bit index space
   * (logistic regression).
   */
  public long numFeatures() {
    return numFeatures;
  }

  /** {@link #numFeatures} of a model that reads vectors, whose size is an int. */
  final int vectorSize() {
    return Math.toIntExact(numFeatures);
  }

  /** Per-epoch metrics of training, in order (empty for a loaded model). */
  public List<EpochMetrics> epochs() {
    return summary.epochs();
  }

  /** Rows the model was trained on. */
  public long trainingRows() {
    return summary.rows();
  }

  /** What the tuner did during training; empty if tuning was off (or the model was loaded). */
  public java.util.Optional<TuningResult> tuning() {
    return java.util.Optional.ofNullable(summary.tuning());
  }

  /**
   * Pushes the shards received a second time during training, from retried or speculative task
   * attempts, and dropped (counted once per shard): 0 for a run without task failures.
   */
  public long repeatedPushes() {
    return summary.repeatedPushes();
  }

  /**
   * Clocks trained again after shards were lost (from the checkpoint restored to where training had
   * got).
   */
  public long replayedClocks() {
    return summary.replayedClocks();
  }

  /**
   * One line per recovery from a lost shard during training: what was lost, what was restored, what
   * replayed.
   */
  public List<String> recoveries() {
    return summary.recoveries();
  }

  /**
   * The model's table as its shards hold it (keys, bytes of values and optimizer state by
   * capacity), asked from every shard; empty for a model in the driver.
   *
   * @throws IllegalStateException if the model was released
   */
  public java.util.Optional<TableStats> tableStats() {
    return served == null
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            served.requireLive().stats(Trimtab.parameterServer(SparkSession.active())));
  }

  /**
   * The trained table's values, as the objective lays them out (not copied: do not modify).
   *
   * @throws IllegalStateException if the model is kept on the shards
   */
  final double[] values() {
    if (values == null) {
      throw new IllegalStateException(
          "The model's "
              + served.keys()
              + " keys stay on the parameter server's shards (modelPlacement), not in the driver:"
              + " score with transform or evaluate, or save it; expected a model gathered into the"
              + " driver (modelPlacement driver, if the driver can hold it)");
    }
    return values;
  }

  /**
   * The trained table on the shards, or null if the model is in the driver.
   *
   * @throws IllegalStateException if it was released
   */
  final ServedTable served() {
    return served == null ? null : served.requireLive();
  }

  /** Doubles per key of the trained table. */
  final int width() {
    return width;
  }

  /**
   * What training did: the epochs, rows, tuning, recoveries, the data cut's and each checkpoint's
   * time (a loaded model has its rows only).
   */
  public final FitSummary summary() {
    return summary;
  }

  @Override
  public M copy(ParamMap extra) {
    M m =
        copyValues(
            served != null
                ? factory().served(uid, numFeatures, served, summary)
                : factory().make(uid, numFeatures, width, values, summary),
            extra);
    return m.setParent(parent());
  }

  /**
   * Checks the features column and adds the probability and prediction columns, which must not
   * exist yet.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    FeatureColumns f = features();
    if (f.longIndices()) {
      ModelSchema.checkIndices(schema, f.indicesCol(), f.valuesCol());
    } else {
      ModelSchema.checkFeatures(schema, getFeaturesCol());
    }
    return ModelSchema.withOutputs(
        schema, getProbabilityCol(), probabilityType(), getPredictionCol());
  }

  /**
   * {@code dataset} with the class probabilities of each row ({@code probabilityCol}, a vector,
   * from {@code probabilities}) and the most probable class ({@code predictionCol}).
   */
  final Dataset<Row> withClasses(Dataset<?> dataset, UDF1<Vector, Vector> probabilities) {
    transformSchema(dataset.schema());
    UserDefinedFunction prob = functions.udf(probabilities, SQLDataTypes.VectorType());
    UserDefinedFunction best =
        functions.udf((UDF1<Vector, Double>) p -> (double) p.argmax(), DataTypes.DoubleType);
    String p = getProbabilityCol();
    return dataset
        .withColumn(p, prob.apply(functions.col(getFeaturesCol())))
        .withColumn(getPredictionCol(), best.apply(functions.col(p)));
  }

  @Override
  public MLWriter write() {
    return new PsModelIo.Writer(this);
  }

  /** Keys of the trained table (features and the model's own keys). */
  final long keys() {
    return served != null ? served.keys() : (long) values.length / width;
  }
}
