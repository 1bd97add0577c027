package io.trimtab.spark.ml;

import io.trimtab.spark.objective.Examples;
import io.trimtab.spark.objective.FmObjective;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Factorization machines on Trimtab's parameter server, as a Spark ML {@code Estimator}: each
 * feature's weight and k factors are one key of the model table, so a sparse row pulls {@code 1 +
 * k} values per non-zero. With the squared loss it is a regressor (e.g. ratings from one-hot user
 * and item features: biased matrix factorization); with the logistic loss a binary classifier. See
 * {@link FmObjective} for the model; training, knobs, tuning and checkpoints are those of every
 * Trimtab model ({@link PsEstimator}).
 *
 * <pre>{@code
 * PsFactorizationMachineModel fm = new PsFactorizationMachine().setFactorSize(8).setLoss("squared")
 *     .setLabelCol("rating").fit(train);
 * }</pre>
 */
public final class PsFactorizationMachine
    extends PsEstimator<PsFactorizationMachine, PsFactorizationMachineModel> {
  private static final long serialVersionUID = 1L;
  private final IntParam factorSize;
  private final Param<String> loss;
  private final DoubleParam initStd;

  public PsFactorizationMachine() {
    this(Identifiable.randomUID("psFm"));
  }

  /** With a given uid (Spark rebuilds a saved stage through this constructor). */
  public PsFactorizationMachine(String uid) {
    super(uid);
    factorSize =
        new IntParam(
            this,
            "factorSize",
            "dimension k of the factors (1 .. 4095)",
            Valid.of(v -> new FmObjective((Integer) v, FmObjective.Loss.SQUARED, 0)));
    loss = fmLoss(this);
    initStd =
        new DoubleParam(
            this,
            "initStd",
            "standard deviation of the factors' random start (> 0)",
            Valid.of(
                v -> {
                  double d = (Double) v;
                  if (!(d > 0) || !Double.isFinite(d)) {
                    throw new IllegalArgumentException(
                        "Invalid initStd: " + d + " (must be a finite number > 0)");
                  }
                }));
    setDefault(factorSize, 8);
    setDefault(loss, "squared");
    setDefault(initStd, 0.01);
  }

  /** The loss Param, made alike on estimator and model (Spark copies it by name). */
  static Param<String> fmLoss(org.apache.spark.ml.param.Params parent) {
    return new Param<>(
        parent,
        "loss",
        "squared (regression: the prediction is the score) or logistic (labels 0/1: "
            + "the probability is the sigmoid of the score)",
        Valid.<String>of(FmObjective.Loss::parse));
  }

  public IntParam factorSize() {
    return factorSize;
  }

  public Param<String> loss() {
    return loss;
  }

  public DoubleParam initStd() {
    return initStd;
  }

  /** Factors per feature, default 8. */
  public PsFactorizationMachine setFactorSize(int k) {
    set(factorSize, k);
    return this;
  }

  /** "squared" (default: regression) or "logistic" (binary classification, labels 0/1). */
  public PsFactorizationMachine setLoss(String name) {
    set(loss, name);
    return this;
  }

  /** Standard deviation of the factors' random start, default 0.01 (drawn from the seed). */
  public PsFactorizationMachine setInitStd(double std) {
    set(initStd, std);
    return this;
  }

  public int getFactorSize() {
    return (Integer) getOrDefault(factorSize);
  }

  public String getLoss() {
    return getOrDefault(loss);
  }

  public double getInitStd() {
    return (Double) getOrDefault(initStd);
  }

  @Override
  public PsFactorizationMachine copy(ParamMap extra) {
    return copyInto(new PsFactorizationMachine(uid()), extra);
  }

  @Override
  protected StructType outputSchema(StructType schema) {
    Examples.checkSchema(schema, getLabelCol(), getFeaturesCol());
    boolean logistic = FmObjective.Loss.parse(getLoss()) == FmObjective.Loss.LOGISTIC;
    return ModelSchema.withOutputs(
        schema, getProbabilityCol(), logistic ? DataTypes.DoubleType : null, getPredictionCol());
  }

  public static MLReader<PsFactorizationMachine> read() {
    return new DefaultParamsReader<>();
  }

  public static PsFactorizationMachine load(String path) {
    return read().load(path);
  }

  /**
   * Trains on {@code data} (a numeric label: any finite number with the squared loss, 0/1 with the
   * logistic loss; features vector).
   *
   * @throws IllegalArgumentException naming the column, row or label if the data are not usable
   * @throws IllegalStateException naming the setting if the cluster cannot run the requested
   *     workers
   */
  @Override
  public PsFactorizationMachineModel fit(Dataset<?> dataset) {
    return train(
        dataset,
        data -> new FmObjective(getFactorSize(), FmObjective.Loss.parse(getLoss()), getInitStd()),
        PsFactorizationMachineModel::new);
  }
}
