package io.trimtab.spark.ml;

import io.trimtab.spark.objective.LogisticObjective;
import io.trimtab.spark.tune.SettingSchedule;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Sparse binary logistic regression trained on Trimtab's parameter server, as a Spark ML {@code
 * Estimator}: the weights live in a dense PS table split across the executors' shards, Spark tasks
 * are the workers, and an epoch is {@code batchesPerEpoch} clocks, each one mini-batch per worker.
 * The knobs (staleness bound, aggregation strategy, shard count, key partitioner, data partitions)
 * start from the Params and change between epochs under the tuner or a {@link SettingSchedule},
 * without losing model state. The training Params are {@link PsEstimator}'s; this class adds the
 * probability column.
 *
 * <p>Usable alone or as a {@code Pipeline} stage, and savable with {@code write().save(path)}
 * ({@link #load} reads it back).
 *
 * <pre>{@code
 * PsLogisticRegressionModel model = new PsLogisticRegression()
 *     .setEpochs(10).setStepSize(0.5).setUpdater("adagrad")
 *     .fit(spark.read().format("libsvm").load("data.txt"));
 * Evaluation test = model.evaluate(testData);
 * }</pre>
 */
public final class PsLogisticRegression
    extends PsEstimator<PsLogisticRegression, PsLogisticRegressionModel> {
  private static final long serialVersionUID = 1L;

  public PsLogisticRegression() {
    this(Identifiable.randomUID("psLogReg"));
  }

  /** With a given uid (Spark rebuilds a saved stage through this constructor). */
  public PsLogisticRegression(String uid) {
    super(uid);
  }

  @Override
  public PsLogisticRegression copy(ParamMap extra) {
    return copyInto(new PsLogisticRegression(uid()), extra);
  }

  @Override
  protected boolean readsLongIndices() {
    return true;
  }

  @Override
  protected StructType outputSchema(StructType schema) {
    features().check(schema, getLabelCol());
    return ModelSchema.withOutputs(
        schema, getProbabilityCol(), DataTypes.DoubleType, getPredictionCol());
  }

  /**
   * Reads an estimator saved with {@code write().save(path)}: its Params (training hooks are not
   * saved).
   */
  public static MLReader<PsLogisticRegression> read() {
    return new DefaultParamsReader<>();
  }

  public static PsLogisticRegression load(String path) {
    return read().load(path);
  }

  /**
   * Trains on {@code data} (label 0/1, features vector).
   *
   * @throws IllegalArgumentException naming the column or row if the data are not usable
   * @throws IllegalStateException naming the setting if the cluster cannot run the requested
   *     workers
   */
  @Override
  public PsLogisticRegressionModel fit(Dataset<?> dataset) {
    return train(dataset, data -> LogisticObjective.INSTANCE, PsLogisticRegressionModel.FACTORY);
  }
}
