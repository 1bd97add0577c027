package io.trimtab.spark.ml;

import io.trimtab.ps.TableSpec;
import io.trimtab.spark.objective.Examples;
import io.trimtab.spark.objective.MlpObjective;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A small multilayer perceptron (one hidden layer of ReLU units, softmax output) on Trimtab's
 * parameter server, as a Spark ML {@code Estimator}: each input feature's weights into the hidden
 * layer are one key of the model table, so a sparse row pulls only its features' rows; the dense
 * products of a mini-batch run in Breeze. See {@link MlpObjective} for the model; training, knobs,
 * tuning and checkpoints are those of every Trimtab model ({@link PsEstimator}).
 *
 * <pre>{@code
 * PsMultilayerPerceptronModel mlp = new PsMultilayerPerceptron().setHiddenSize(64).setEpochs(10).fit(train);
 * }</pre>
 */
public final class PsMultilayerPerceptron
    extends PsEstimator<PsMultilayerPerceptron, PsMultilayerPerceptronModel> {
  private static final long serialVersionUID = 1L;
  private final IntParam hiddenSize;
  private final IntParam numClasses;

  public PsMultilayerPerceptron() {
    this(Identifiable.randomUID("psMlp"));
  }

  /** With a given uid (Spark rebuilds a saved stage through this constructor). */
  public PsMultilayerPerceptron(String uid) {
    super(uid);
    hiddenSize =
        new IntParam(
            this,
            "hiddenSize",
            "ReLU units of the hidden layer (at least the number of classes, "
                + "at most "
                + TableSpec.MAX_WIDTH
                + ")",
            Valid.atLeast("hidden layer size", 2));
    numClasses = PsSoftmaxRegression.numClasses(this);
    setDefault(hiddenSize, 64);
    setDefault(numClasses, 0);
  }

  public IntParam hiddenSize() {
    return hiddenSize;
  }

  public IntParam numClasses() {
    return numClasses;
  }

  /** Hidden ReLU units, default 64; at least the number of classes. */
  public PsMultilayerPerceptron setHiddenSize(int units) {
    set(hiddenSize, units);
    return this;
  }

  /** Classes K (labels 0 .. K-1); 0 (default) takes the largest label + 1 from the data. */
  public PsMultilayerPerceptron setNumClasses(int k) {
    set(numClasses, k);
    return this;
  }

  public int getHiddenSize() {
    return (Integer) getOrDefault(hiddenSize);
  }

  public int getNumClasses() {
    return (Integer) getOrDefault(numClasses);
  }

  @Override
  public PsMultilayerPerceptron copy(ParamMap extra) {
    return copyInto(new PsMultilayerPerceptron(uid()), extra);
  }

  @Override
  protected StructType outputSchema(StructType schema) {
    Examples.checkSchema(schema, getLabelCol(), getFeaturesCol());
    if (getNumClasses() > 0) {
      new MlpObjective(getHiddenSize(), getNumClasses());
    }
    return ModelSchema.withOutputs(
        schema, getProbabilityCol(), SQLDataTypes.VectorType(), getPredictionCol());
  }

  public static MLReader<PsMultilayerPerceptron> read() {
    return new DefaultParamsReader<>();
  }

  public static PsMultilayerPerceptron load(String path) {
    return read().load(path);
  }

  /**
   * Trains on {@code data} (label a class 0 .. K-1, features vector).
   *
   * @throws IllegalArgumentException naming the column, row, label or layer size if not usable
   * @throws IllegalStateException naming the setting if the cluster cannot run the requested
   *     workers
   */
  @Override
  public PsMultilayerPerceptronModel fit(Dataset<?> dataset) {
    return train(
        dataset,
        data ->
            new MlpObjective(
                getHiddenSize(),
                getNumClasses() > 0
                    ? getNumClasses()
                    : PsSoftmaxRegression.classesIn(data, getLabelCol())),
        PsMultilayerPerceptronModel::new);
  }
}
