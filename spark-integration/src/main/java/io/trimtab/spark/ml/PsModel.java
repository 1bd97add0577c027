package io.trimtab.spark.ml;

import io.trimtab.spark.objective.Objective;
import io.trimtab.spark.train.FitSummary;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.spark.tune.TuningResult;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * The Spark ML side of every model Trimtab trains: the trained table's values (the layout of its
 * {@link Objective}), what training did, the column Params shared with the estimator (same names,
 * so a fit copies them), the schema checks, {@code copy}, and save and load. A subclass adds how it
 * scores rows.
 *
 * <p>Saved as MLlib saves its models: the Params as Spark's metadata JSON under {@code
 * path/metadata}, the values as one Parquet row under {@code path/data} (features, width, values,
 * training rows). The training history is not saved: a loaded model has none.
 *
 * @param <M> the concrete model (setters and {@code copy} return it)
 */
public abstract class PsModel<M extends PsModel<M>> extends Model<M> implements MLWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final int numFeatures;
  private final int width;
  private final double[] values;
  private final FitSummary summary;
  private final Param<String> labelCol;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;

  /** Makes a model of the concrete class (for {@code copy} and load). */
  interface Factory<M> extends java.io.Serializable {
    M make(String uid, int numFeatures, int width, double[] values, FitSummary summary);
  }

  /**
   * @param values the trained table, {@code width} doubles per key, key-major
   * @throws IllegalArgumentException if {@code values} is not a whole number of keys of {@code
   *     width}
   */
  protected PsModel(String uid, int numFeatures, int width, double[] values, FitSummary summary) {
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
              + " doubles per feature, and the "
              + "model's own keys)");
    }
    this.uid = uid;
    this.numFeatures = numFeatures;
    this.width = width;
    this.values = values;
    this.summary = summary;
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

  /** Number of features the model expects. */
  public int numFeatures() {
    return numFeatures;
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

  /** The trained table's values, as the objective lays them out (not copied: do not modify). */
  final double[] values() {
    return values;
  }

  /** Doubles per key of the trained table. */
  final int width() {
    return width;
  }

  final FitSummary summary() {
    return summary;
  }

  @Override
  public M copy(ParamMap extra) {
    M m = copyValues(factory().make(uid, numFeatures, width, values, summary), extra);
    return m.setParent(parent());
  }

  /**
   * Checks the features column and adds the probability and prediction columns, which must not
   * exist yet.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    checkFeatures(schema, getFeaturesCol());
    return withOutputs(schema, getProbabilityCol(), probabilityType(), getPredictionCol());
  }

  /** Fails unless {@code schema} has a vector column {@code col}. */
  static void checkFeatures(StructType schema, String col) {
    if (!Arrays.asList(schema.fieldNames()).contains(col)) {
      throw new IllegalArgumentException(
          "No features column '"
              + col
              + "' in the data (columns: "
              + Arrays.toString(schema.fieldNames())
              + ")");
    }
    if (!(schema.apply(col).dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException(
          "Features column '"
              + col
              + "' has type "
              + schema.apply(col).dataType().simpleString()
              + " (expected an org.apache.spark.ml.linalg.Vector column)");
    }
  }

  /**
   * {@code schema} with the probability column of {@code type} (none if null) and the double
   * prediction column.
   */
  static StructType withOutputs(
      StructType schema, String probabilityCol, DataType type, String predictionCol) {
    StructType out = schema;
    for (String c :
        type == null
            ? new String[] {predictionCol}
            : new String[] {probabilityCol, predictionCol}) {
      if (Arrays.asList(out.fieldNames()).contains(c)) {
        throw new IllegalArgumentException(
            "Output column '"
                + c
                + "' exists already in the data (columns: "
                + Arrays.toString(out.fieldNames())
                + "; expected a new name: set probabilityCol or predictionCol)");
      }
      out =
          out.add(
              new StructField(
                  c,
                  c.equals(probabilityCol) ? type : DataTypes.DoubleType,
                  false,
                  Metadata.empty()));
    }
    return out;
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

  /** Fails unless {@code v} has the model's number of features. */
  static void checkSize(Vector v, int numFeatures) {
    if (v.size() != numFeatures) {
      throw new IllegalArgumentException(
          "Features vector of size "
              + v.size()
              + " (expected "
              + numFeatures
              + ", the model's number of features)");
    }
  }

  @Override
  public MLWriter write() {
    return new Writer(this);
  }

  private static final class Writer extends MLWriter {
    private final PsModel<?> model;

    Writer(PsModel<?> model) {
      this.model = model;
    }

    @Override
    public void saveImpl(String path) {
      DefaultParamsWriter.saveMetadata(model, path, sc(), Option.empty(), Option.empty());
      StructType schema =
          new StructType()
              .add("numFeatures", DataTypes.IntegerType)
              .add("width", DataTypes.IntegerType)
              .add("values", new VectorUDT())
              .add("trainingRows", DataTypes.LongType);
      Row row =
          RowFactory.create(
              model.numFeatures, model.width, Vectors.dense(model.values), model.trainingRows());
      sparkSession()
          .createDataFrame(List.of(row), schema)
          .repartition(1)
          .write()
          .parquet(path + "/data");
    }
  }

  /** Reads a model of class {@code type} saved by {@link #write}. */
  static final class Reader<M extends PsModel<M>> extends MLReader<M> {
    private final Class<M> type;
    private final Factory<M> factory;

    Reader(Class<M> type, Factory<M> factory) {
      this.type = type;
      this.factory = factory;
    }

    @Override
    public M load(String path) {
      DefaultParamsReader.Metadata metadata =
          DefaultParamsReader.loadMetadata(path, sc(), type.getName());
      Row row =
          sparkSession()
              .read()
              .parquet(path + "/data")
              .select("numFeatures", "width", "values", "trainingRows")
              .head();
      M model =
          factory.make(
              metadata.uid(),
              row.getInt(0),
              row.getInt(1),
              ((Vector) row.get(2)).toArray(),
              FitSummary.loaded(row.getLong(3)));
      metadata.getAndSetParams(model, Option.empty());
      return model;
    }
  }
}
