package io.trimtab.spark.ml;

import io.trimtab.ps.TableSpec;
import io.trimtab.spark.objective.Examples;
import io.trimtab.spark.objective.SoftmaxObjective;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Multinomial (softmax) logistic regression on Trimtab's parameter server, as a Spark ML {@code
 * Estimator}: labels are classes 0 .. K-1, each feature's K weights are one key of the model table
 * (so a sparse row pulls K values per non-zero), and the K intercepts one more key. Training,
 * knobs, tuning and checkpoints are those of every Trimtab model ({@link PsEstimator}); this class
 * adds the number of classes and the probability column.
 *
 * <pre>{@code
 * PsSoftmaxRegressionModel model = new PsSoftmaxRegression().setEpochs(10).setStepSize(0.05).fit(train);
 * Dataset<Row> scored = model.transform(test);   // + probability (vector of K), prediction (class)
 * }</pre>
 */
public final class PsSoftmaxRegression
    extends PsEstimator<PsSoftmaxRegression, PsSoftmaxRegressionModel> {
  private static final long serialVersionUID = 1L;
  private final IntParam numClasses;

  public PsSoftmaxRegression() {
    this(Identifiable.randomUID("psSoftmax"));
  }

  /** With a given uid (Spark rebuilds a saved stage through this constructor). */
  public PsSoftmaxRegression(String uid) {
    super(uid);
    numClasses = numClasses(this);
    setDefault(numClasses, 0);
  }

  public IntParam numClasses() {
    return numClasses;
  }

  /**
   * Classes K (labels 0 .. K-1), 2 .. 4096; 0 (default) takes the largest label + 1 from the data.
   */
  public PsSoftmaxRegression setNumClasses(int k) {
    set(numClasses, k);
    return this;
  }

  public int getNumClasses() {
    return (Integer) getOrDefault(numClasses);
  }

  @Override
  public PsSoftmaxRegression copy(ParamMap extra) {
    return copyInto(new PsSoftmaxRegression(uid()), extra);
  }

  @Override
  protected StructType outputSchema(StructType schema) {
    Examples.checkSchema(schema, getLabelCol(), getFeaturesCol());
    return ModelSchema.withOutputs(
        schema, getProbabilityCol(), SQLDataTypes.VectorType(), getPredictionCol());
  }

  public static MLReader<PsSoftmaxRegression> read() {
    return new DefaultParamsReader<>();
  }

  public static PsSoftmaxRegression load(String path) {
    return read().load(path);
  }

  /**
   * Trains on {@code data} (label a class 0 .. K-1, features vector).
   *
   * @throws IllegalArgumentException naming the column, row or label if the data are not usable
   * @throws IllegalStateException naming the setting if the cluster cannot run the requested
   *     workers
   */
  @Override
  public PsSoftmaxRegressionModel fit(Dataset<?> dataset) {
    return train(
        dataset,
        data ->
            new SoftmaxObjective(
                getNumClasses() > 0 ? getNumClasses() : classesIn(data, getLabelCol())),
        PsSoftmaxRegressionModel::new);
  }

  /**
   * The classes of {@code labelCol}: its largest label + 1 (one pass over the data).
   *
   * @throws IllegalArgumentException if the data are empty or the largest label is not a class 1 ..
   *     4095
   */
  static int classesIn(Dataset<Row> data, String labelCol) {
    Row max = data.agg(functions.max(functions.col(labelCol).cast("double"))).head();
    if (max.isNullAt(0)) {
      throw new IllegalArgumentException("The training data are empty (expected at least one row)");
    }
    double top = max.getDouble(0);
    if (top < 1 || top != Math.rint(top) || top >= TableSpec.MAX_WIDTH) {
      throw new IllegalArgumentException(
          "Invalid largest label "
              + top
              + " in column '"
              + labelCol
              + "' (expected classes 0, 1, ..., K-1 with 2 <= K <= "
              + TableSpec.MAX_WIDTH
              + "; or set numClasses)");
    }
    return (int) top + 1;
  }

  /** The numClasses Param, made alike wherever a model has classes. */
  static IntParam numClasses(org.apache.spark.ml.param.Params parent) {
    return new IntParam(
        parent,
        "numClasses",
        "number of classes K, labels 0 .. K-1 (0: the largest label + 1, "
            + "found by a pass over the data)",
        Valid.of(v -> checkClasses((Integer) v)));
  }

  private static void checkClasses(int k) {
    if (k != 0 && (k < 2 || k > TableSpec.MAX_WIDTH)) {
      throw new IllegalArgumentException(
          "Invalid number of classes: "
              + k
              + " (must be 2 .. "
              + TableSpec.MAX_WIDTH
              + ", or 0 to take it from the data)");
    }
  }
}
