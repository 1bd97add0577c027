package io.trimtab.spark.ml;

import io.trimtab.spark.objective.Objective;
import io.trimtab.spark.train.Fitted;
import io.trimtab.spark.train.Trainer;
import io.trimtab.spark.train.TrainingHooks;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.spark.tune.SettingSchedule;
import io.trimtab.spark.tune.SwitchListener;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark ML side of every model Trimtab trains: the setters of the training Params shared by all
 * of them (declared, validated and defaulted in {@link PsEstimatorParams}), the training hooks, and
 * the fit. A subclass adds its model's own Params and {@code fit}.
 *
 * <p>Params are Spark ML Params: they show in {@code explainParams()}, can be given in a {@code
 * ParamMap} (e.g. by {@code CrossValidator}), are copied by {@code copy} and saved by {@code save}.
 * A bad value is refused when it is set, with a message that names it and what was expected. The
 * training hooks ({@link #setSchedule}, {@link #setStopWhen}, {@link #setEpochListener}, ...) are
 * code, not Params: {@code copy} keeps them, {@code save} does not.
 *
 * <p>An estimator holds configuration only; {@code fit} may be called many times. Not thread-safe
 * while being configured.
 *
 * @param <S> the concrete estimator (setters return it)
 * @param <M> the model it fits
 */
public abstract class PsEstimator<S extends PsEstimator<S, M>, M extends PsModel<M>>
    extends PsEstimatorParams<M> {
  private static final long serialVersionUID = 1L;

  private transient TrainingHooks hooks = TrainingHooks.NONE;

  protected PsEstimator(String uid) {
    super(uid);
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  // --- setters (Spark ML's setX convention) ---

  public S setLabelCol(String col) {
    return put(labelCol(), col);
  }

  public S setFeaturesCol(String col) {
    return put(featuresCol(), col);
  }

  /**
   * Reads the features from 64-bit indices in column {@code col} ({@code array<long>}, ascending,
   * distinct, as {@code LongFeatureHasher} writes them) and their values in {@code valuesCol},
   * instead of a vector column ({@link PsLogisticRegression}).
   */
  public S setIndicesCol(String col) {
    return put(indicesCol(), col);
  }

  /** The values column of {@link #setIndicesCol} ({@code array<double>}; default "values"). */
  public S setValuesCol(String col) {
    return put(valuesCol(), col);
  }

  /**
   * The size of the 64-bit feature space of {@link #setIndicesCol} (indices below it, at most 2^63
   * - 2), e.g. 2^numBits of the hasher; 0 (default): the largest index in the data plus one.
   */
  public S setNumFeatures(long n) {
    return put(numFeatures(), n);
  }

  public S setPredictionCol(String col) {
    return put(predictionCol(), col);
  }

  public S setProbabilityCol(String col) {
    return put(probabilityCol(), col);
  }

  /** Passes over the data, >= 1 (default 10). */
  public S setEpochs(int n) {
    return put(epochs(), n);
  }

  /**
   * Mini-batches (clocks) per epoch per worker, >= 1 (default 10). 1 gives full-batch gradient
   * descent.
   */
  public S setBatchesPerEpoch(int n) {
    return put(batchesPerEpoch(), n);
  }

  /** Worker tasks = data partitions (default 0: every task slot of the cluster). */
  public S setNumWorkers(int n) {
    return put(numWorkers(), n);
  }

  /** Shards the model table is split over (default 0: all shards, one per executor). */
  public S setNumShards(int n) {
    return put(numShards(), n);
  }

  /** Learning rate of the server-side updater, > 0 (default 0.1). */
  public S setStepSize(double v) {
    return put(stepSize(), v);
  }

  /** L2 strength, >= 0 (default 0), applied by the server to the parameters each step touches. */
  public S setRegParam(double v) {
    return put(regParam(), v);
  }

  /** Server-side update rule: "sgd" or "adagrad" (default). */
  public S setUpdater(String name) {
    return put(updater(), name);
  }

  /** Key partitioner of the model table: "hash" (default) or "range". */
  public S setPartitioner(String name) {
    return put(partitioner(), name);
  }

  /**
   * Seed of the shuffle that cuts each partition into mini-batches once, and of each epoch's order
   * of mini-batches (0: rows in partition order, batches in the same order every epoch). Default
   * 42.
   */
  public S setSeed(long v) {
    return put(seed(), v);
  }

  /**
   * Consistency: "bsp" (default), "ssp:s" (reads at most s clocks stale) or "asp" (no waits). BSP
   * and SSP run each epoch as a Spark barrier stage (all workers at once); ASP as a plain stage.
   */
  public S setStaleness(String setting) {
    return put(staleness(), setting);
  }

  /**
   * How updates reach the shards: "direct" (default), "executor-combine" (bsp/ssp only) or
   * "driver-tree" (MLlib's treeAggregate pattern, bsp only; {@code fit} refuses it when its dense
   * gradients would not fit in the driver's or an executor's memory).
   */
  public S setAggregation(String name) {
    return put(aggregation(), name);
  }

  /**
   * Which knobs the tuner may switch between epochs: {@code "auto"} (all of them), {@code "off"},
   * or a comma list of {@code staleness, aggregation, shards, partitioner, workers}. Defaults to
   * {@code spark.trimtab.tuning} (itself {@code auto}). The setters above give the first epoch's
   * setting, from which the tuner starts (unless a similar finished job left a better one in the
   * tuning history). An explicit {@link #setSchedule} turns tuning off.
   */
  public S setTuning(String knobs) {
    return put(tuning(), knobs);
  }

  /**
   * Training stops after the first epoch whose training loss is at most {@code loss}; the tuner
   * minimizes the time to it. Defaults to {@code spark.trimtab.tuner.targetLoss} (none: every epoch
   * runs and the tuner aims at convergence).
   */
  public S setTargetLoss(double loss) {
    if (Double.isNaN(loss)) {
      throw new IllegalArgumentException("Invalid target loss: NaN (must be a finite number > 0)");
    }
    return put(targetLoss(), loss);
  }

  /**
   * Directory (any Hadoop file system) where this fit writes checkpoints of the model between
   * epochs, one directory per model (default: {@code spark.trimtab.checkpoint.dir}, none); how
   * often and how many are kept come from {@code spark.trimtab.checkpoint.*}.
   */
  public S setCheckpointDir(String uri) {
    return uri == null ? clearParam(checkpointDir()) : put(checkpointDir(), uri);
  }

  /**
   * Resumes training from a checkpoint: an {@code epoch-NNNNNN} directory, or a model's checkpoint
   * directory (its newest). The model (weights, optimizer state, clock) is restored and training
   * continues with the epoch after the checkpoint's, up to {@link #setEpochs} in all, on the same
   * data and settings.
   */
  public S setResumeFrom(String uri) {
    return uri == null ? clearParam(resumeFrom()) : put(resumeFrom(), uri);
  }

  /**
   * How the shards store the model table: "dense" (every key), "sparse" (the keys the data touch,
   * hash partitioner and direct or executor-combine aggregation only) or "auto" (default: sparse
   * above 2^24 keys, unless the model starts from values for every key).
   */
  public S setTableLayout(String layout) {
    return put(tableLayout(), layout);
  }

  /**
   * Where the trained model lives: "driver" (gathered into the model object, broadcast to score),
   * "shards" (kept on the parameter server, each task pulling only the keys it scores; {@link
   * PsLogisticRegression}) or "auto" (default: the shards when the driver cannot hold the model).
   */
  public S setModelPlacement(String placement) {
    return put(modelPlacement(), placement);
  }

  // --- training hooks: code, kept by copy, not saved ---

  /**
   * Chooses each epoch's setting (staleness, aggregation, shards, partitioner, workers); the Params
   * above give the setting of epoch 1. Switches happen between epochs, keep the model exactly, and
   * their cost is reported in {@link EpochMetrics#switchSeconds()}. A schedule replaces the tuner
   * (null: back to {@link #setTuning}).
   */
  public S setSchedule(SettingSchedule s) {
    hooks = hooks().withSchedule(s);
    return self();
  }

  /**
   * Ends training early, after an epoch, when {@code condition} holds for the metrics so far (e.g.
   * a target loss or a time budget); {@link #setEpochs} stays the upper limit.
   */
  public S setStopWhen(Predicate<List<EpochMetrics>> condition) {
    hooks = hooks().withStopWhen(condition);
    return self();
  }

  /**
   * Audits switches with before/after snapshots of the model (two full table exports per switch).
   */
  public S setSwitchListener(SwitchListener listener) {
    hooks = hooks().withSwitchListener(listener);
    return self();
  }

  /** Called on the driver after every epoch (e.g. to print progress). */
  public S setEpochListener(Consumer<EpochMetrics> listener) {
    hooks = hooks().withEpochListener(listener);
    return self();
  }

  // the hooks are transient: a deserialized estimator has none
  TrainingHooks hooks() {
    return hooks != null ? hooks : TrainingHooks.NONE;
  }

  /**
   * Checks the input columns and the Params that depend on each other, before any job runs (Spark
   * calls this when a Pipeline is fitted), and returns the schema with the model's output columns.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    // a staleness and an aggregation that cannot go together fail here, as they would in epoch 1
    spec().first().resolve(1, 1);
    features().requireReadableBy(readsLongIndices(), getClass().getSimpleName());
    return outputSchema(schema);
  }

  /** Whether the estimator reads 64-bit feature indices ({@link #setIndicesCol}). */
  protected boolean readsLongIndices() {
    return false;
  }

  /** The subclass's check of the input columns and its output columns. */
  protected abstract StructType outputSchema(StructType schema);

  /**
   * A fit: checks the schema and Params, trains {@code objective}'s model (chosen after a look at
   * the data, e.g. for its classes) with this estimator's Params and hooks, and makes the model
   * with this estimator's uid, its shared Params and itself as parent.
   */
  final M train(
      Dataset<?> dataset, Function<Dataset<Row>, Objective> objective, PsModel.Factory<M> model) {
    transformSchema(dataset.schema());
    Dataset<Row> data = dataset.toDF();
    Fitted fitted = new Trainer(spec(), hooks()).fit(data, objective.apply(data), model.serves());
    M m =
        fitted.served() != null
            ? model.served(uid(), fitted.numFeatures(), fitted.served(), fitted.summary())
            : model.make(
                uid(), fitted.numFeatures(), fitted.width(), fitted.values(), fitted.summary());
    copyValues(m, ParamMap.empty());
    return m.setParent(this);
  }

  /** Copies the Params (with {@code extra}) and the training hooks into {@code to}. */
  protected S copyInto(S to, ParamMap extra) {
    copyValues(to, extra);
    ((PsEstimator<S, M>) to).hooks = hooks();
    return to;
  }

  private <T> S put(Param<T> p, T value) {
    set(p, value);
    return self();
  }

  private S clearParam(Param<?> p) {
    clear(p);
    return self();
  }
}
