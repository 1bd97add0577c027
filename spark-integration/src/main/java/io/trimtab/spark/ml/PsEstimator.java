package io.trimtab.spark.ml;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.update.Updaters;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark ML side of every model Trimtab trains: the training Params shared by all of them (the
 * columns, the epochs and mini-batches, the server-side update rule, the knobs of the first epoch,
 * the tuning and the checkpoints), their setters, getters, validators and defaults, in one place. A
 * subclass adds its model's own Params and {@code fit}.
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
    extends Estimator<M> implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;

  private final Param<String> labelCol;
  private final Param<String> featuresCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final IntParam epochs;
  private final IntParam batchesPerEpoch;
  private final IntParam numWorkers;
  private final IntParam numShards;
  private final DoubleParam stepSize;
  private final DoubleParam regParam;
  private final Param<String> updater;
  private final Param<String> partitioner;
  private final LongParam seed;
  private final Param<String> staleness;
  private final Param<String> aggregation;
  private final Param<String> tuning;
  private final DoubleParam targetLoss;
  private final Param<String> checkpointDir;
  private final Param<String> resumeFrom;

  private transient SettingSchedule schedule;
  private transient SwitchListener switchListener;
  private transient Predicate<List<EpochMetrics>> stopWhen = h -> false;
  private transient Faults faults = Faults.NONE;
  private transient Consumer<EpochMetrics> onEpoch = m -> {};

  protected PsEstimator(String uid) {
    this.uid = uid;
    // Params after the uid: a Param takes its parent's uid when it is made
    labelCol = Cols.labelCol(this);
    featuresCol = Cols.featuresCol(this);
    predictionCol = Cols.predictionCol(this);
    probabilityCol = Cols.probabilityCol(this);
    epochs =
        new IntParam(this, "epochs", "passes over the data (>= 1)", Valid.atLeast("epochs", 1));
    batchesPerEpoch =
        new IntParam(
            this,
            "batchesPerEpoch",
            "mini-batches (clocks) per epoch per worker (>= 1; 1 gives full-batch gradient descent)",
            Valid.atLeast("batches per epoch", 1));
    numWorkers =
        new IntParam(
            this,
            "numWorkers",
            "worker tasks = data partitions of the first epoch (0: every task slot of the cluster)",
            Valid.atLeast("number of workers", 0));
    numShards =
        new IntParam(
            this,
            "numShards",
            "shards the model table is split over in the first epoch (0: all, one per executor)",
            Valid.atLeast("number of shards", 0));
    stepSize =
        new DoubleParam(
            this,
            "stepSize",
            "learning rate of the server-side updater (> 0)",
            Valid.of(v -> UpdateRule.sgd((Double) v, 0)));
    regParam =
        new DoubleParam(
            this,
            "regParam",
            "L2 strength (>= 0), applied by the shards to the parameters each step touches",
            Valid.of(v -> UpdateRule.sgd(1, (Double) v)));
    updater =
        new Param<>(
            this,
            "updater",
            "server-side update rule: sgd or adagrad",
            Valid.<String>of(PsEstimator::updaterKind));
    partitioner =
        new Param<>(
            this,
            "partitioner",
            "key partitioner of the model table in the first epoch: hash or range",
            Valid.<String>of(PartitionerKind::parse));
    seed =
        new LongParam(
            this,
            "seed",
            "seed of the mini-batch cut and of each epoch's batch order (0: partition order, same order every epoch)");
    staleness =
        new Param<>(
            this,
            "staleness",
            "staleness bound of the first epoch: bsp, ssp:<s> (reads at most s clocks stale) or asp (no waits)",
            Valid.<String>of(StalenessBound::parse));
    aggregation =
        new Param<>(
            this,
            "aggregation",
            "aggregation of the first epoch: direct, executor-combine (bsp/ssp) or driver-tree (bsp)",
            Valid.<String>of(Aggregation::parse));
    tuning =
        new Param<>(
            this,
            "tuning",
            "knobs the tuner may switch between epochs: auto (all), off, or a comma list of staleness, aggregation, "
                + "shards, partitioner, workers (unset: spark.trimtab.tuning, itself auto)",
            Valid.<String>of(Tuning::knobs));
    targetLoss =
        new DoubleParam(
            this,
            "targetLoss",
            "training stops after the first epoch whose training loss is at most this; the tuner minimizes the time "
                + "to it (NaN: spark.trimtab.tuner.targetLoss, itself none)",
            Valid.of(v -> checkTarget((Double) v)));
    checkpointDir =
        new Param<>(
            this,
            "checkpointDir",
            "directory (any Hadoop file system) for checkpoints of the model between epochs (unset: "
                + "spark.trimtab.checkpoint.dir, itself none)",
            Valid.<String>of(v -> nonBlank("checkpoint directory", v)));
    resumeFrom =
        new Param<>(
            this,
            "resumeFrom",
            "checkpoint file or directory (its newest) to resume training from",
            Valid.of(v -> nonBlank("checkpoint to resume from", v)));
    setDefault(labelCol, Cols.LABEL);
    setDefault(featuresCol, Cols.FEATURES);
    setDefault(predictionCol, Cols.PREDICTION);
    setDefault(probabilityCol, Cols.PROBABILITY);
    setDefault(epochs, 10);
    setDefault(batchesPerEpoch, 10);
    setDefault(numWorkers, 0);
    setDefault(numShards, 0);
    setDefault(stepSize, 0.1);
    setDefault(regParam, 0.0);
    setDefault(updater, "adagrad");
    setDefault(partitioner, "hash");
    setDefault(seed, 42L);
    setDefault(staleness, "bsp");
    setDefault(aggregation, "direct");
    setDefault(targetLoss, Double.NaN);
  }

  @Override
  public String uid() {
    return uid;
  }

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  // --- the Params (Spark finds them through these public no-argument methods) ---

  public final Param<String> labelCol() {
    return labelCol;
  }

  public final Param<String> featuresCol() {
    return featuresCol;
  }

  public final Param<String> predictionCol() {
    return predictionCol;
  }

  /**
   * The column of the predicted probability (of label 1, or of each class); unused by a regression.
   */
  public final Param<String> probabilityCol() {
    return probabilityCol;
  }

  public final IntParam epochs() {
    return epochs;
  }

  public final IntParam batchesPerEpoch() {
    return batchesPerEpoch;
  }

  public final IntParam numWorkers() {
    return numWorkers;
  }

  public final IntParam numShards() {
    return numShards;
  }

  public final DoubleParam stepSize() {
    return stepSize;
  }

  public final DoubleParam regParam() {
    return regParam;
  }

  public final Param<String> updater() {
    return updater;
  }

  public final Param<String> partitioner() {
    return partitioner;
  }

  public final LongParam seed() {
    return seed;
  }

  public final Param<String> staleness() {
    return staleness;
  }

  public final Param<String> aggregation() {
    return aggregation;
  }

  public final Param<String> tuning() {
    return tuning;
  }

  public final DoubleParam targetLoss() {
    return targetLoss;
  }

  public final Param<String> checkpointDir() {
    return checkpointDir;
  }

  public final Param<String> resumeFrom() {
    return resumeFrom;
  }

  // --- setters ---

  public S setLabelCol(String col) {
    return put(labelCol, col);
  }

  public S setFeaturesCol(String col) {
    return put(featuresCol, col);
  }

  public S setPredictionCol(String col) {
    return put(predictionCol, col);
  }

  public S setProbabilityCol(String col) {
    return put(probabilityCol, col);
  }

  /** Passes over the data, >= 1 (default 10). */
  public S setEpochs(int n) {
    return put(epochs, n);
  }

  /**
   * Mini-batches (clocks) per epoch per worker, >= 1 (default 10). 1 gives full-batch gradient
   * descent.
   */
  public S setBatchesPerEpoch(int n) {
    return put(batchesPerEpoch, n);
  }

  /** Worker tasks = data partitions (default 0: every task slot of the cluster). */
  public S setNumWorkers(int n) {
    return put(numWorkers, n);
  }

  /** Shards the model table is split over (default 0: all shards, one per executor). */
  public S setNumShards(int n) {
    return put(numShards, n);
  }

  /** Learning rate of the server-side updater, > 0 (default 0.1). */
  public S setStepSize(double v) {
    return put(stepSize, v);
  }

  /** L2 strength, >= 0 (default 0), applied by the server to the parameters each step touches. */
  public S setRegParam(double v) {
    return put(regParam, v);
  }

  /** Server-side update rule: "sgd" or "adagrad" (default). */
  public S setUpdater(String name) {
    return put(updater, name);
  }

  /** Key partitioner of the model table: "hash" (default) or "range". */
  public S setPartitioner(String name) {
    return put(partitioner, name);
  }

  /**
   * Seed of the shuffle that cuts each partition into mini-batches once, and of each epoch's order
   * of mini-batches (0: rows in partition order, batches in the same order every epoch). Default
   * 42.
   */
  public S setSeed(long v) {
    return put(seed, v);
  }

  /**
   * Consistency: "bsp" (default), "ssp:s" (reads at most s clocks stale) or "asp" (no waits). BSP
   * and SSP run each epoch as a Spark barrier stage (all workers at once); ASP as a plain stage.
   */
  public S setStaleness(String setting) {
    return put(staleness, setting);
  }

  /**
   * How updates reach the shards: "direct" (default), "executor-combine" (bsp/ssp only) or
   * "driver-tree" (MLlib's treeAggregate pattern, bsp only).
   */
  public S setAggregation(String name) {
    return put(aggregation, name);
  }

  /**
   * Which knobs the tuner may switch between epochs: {@code "auto"} (all of them), {@code "off"},
   * or a comma list of {@code staleness, aggregation, shards, partitioner, workers}. Defaults to
   * {@code spark.trimtab.tuning} (itself {@code auto}). The setters above give the first epoch's
   * setting, from which the tuner starts (unless a similar finished job left a better one in the
   * tuning history). An explicit {@link #setSchedule} turns tuning off.
   */
  public S setTuning(String knobs) {
    return put(tuning, knobs);
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
    return put(targetLoss, loss);
  }

  /**
   * Directory (any Hadoop file system) where this fit writes checkpoints of the model between
   * epochs, one directory per model (default: {@code spark.trimtab.checkpoint.dir}, none); how
   * often and how many are kept come from {@code spark.trimtab.checkpoint.*}.
   */
  public S setCheckpointDir(String uri) {
    return uri == null ? clearParam(checkpointDir) : put(checkpointDir, uri);
  }

  /**
   * Resumes training from a checkpoint: a checkpoint file, or a checkpoint directory (its newest).
   * The model (weights, optimizer state, clock) is restored and training continues with the epoch
   * after the checkpoint's, up to {@link #setEpochs} in all, on the same data and settings.
   */
  public S setResumeFrom(String uri) {
    return uri == null ? clearParam(resumeFrom) : put(resumeFrom, uri);
  }

  // --- getters (Spark ML's getX convention) ---

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

  public int getEpochs() {
    return (Integer) getOrDefault(epochs);
  }

  public int getBatchesPerEpoch() {
    return (Integer) getOrDefault(batchesPerEpoch);
  }

  public int getNumWorkers() {
    return (Integer) getOrDefault(numWorkers);
  }

  public int getNumShards() {
    return (Integer) getOrDefault(numShards);
  }

  public double getStepSize() {
    return (Double) getOrDefault(stepSize);
  }

  public double getRegParam() {
    return (Double) getOrDefault(regParam);
  }

  public String getUpdater() {
    return getOrDefault(updater);
  }

  public String getPartitioner() {
    return getOrDefault(partitioner);
  }

  public long getSeed() {
    return (Long) getOrDefault(seed);
  }

  public String getStaleness() {
    return getOrDefault(staleness);
  }

  public String getAggregation() {
    return getOrDefault(aggregation);
  }

  /** The tuning knobs, or null when unset (then {@code spark.trimtab.tuning} decides). */
  public String getTuning() {
    return isDefined(tuning) ? getOrDefault(tuning) : null;
  }

  /** The target loss, NaN when unset (then {@code spark.trimtab.tuner.targetLoss} decides). */
  public double getTargetLoss() {
    return (Double) getOrDefault(targetLoss);
  }

  /** The checkpoint directory, or null when unset. */
  public String getCheckpointDir() {
    return isDefined(checkpointDir) ? getOrDefault(checkpointDir) : null;
  }

  /** The checkpoint to resume from, or null when unset. */
  public String getResumeFrom() {
    return isDefined(resumeFrom) ? getOrDefault(resumeFrom) : null;
  }

  // --- training hooks: code, kept by copy, not saved ---

  /**
   * Chooses each epoch's setting (staleness, aggregation, shards, partitioner, workers); the Params
   * above give the setting of epoch 1. Switches happen between epochs, keep the model exactly, and
   * their cost is reported in {@link EpochMetrics#switchSeconds()}. A schedule replaces the tuner
   * (null: back to {@link #setTuning}).
   */
  public S setSchedule(SettingSchedule s) {
    this.schedule = s;
    return self();
  }

  /**
   * Ends training early, after an epoch, when {@code condition} holds for the metrics so far (e.g.
   * a target loss or a time budget); {@link #setEpochs} stays the upper limit.
   */
  public S setStopWhen(Predicate<List<EpochMetrics>> condition) {
    this.stopWhen = condition == null ? h -> false : condition;
    return self();
  }

  /**
   * Audits switches with before/after snapshots of the model (two full table exports per switch).
   */
  public S setSwitchListener(SwitchListener listener) {
    this.switchListener = listener;
    return self();
  }

  /** Called on the driver after every epoch (e.g. to print progress). */
  public S setEpochListener(Consumer<EpochMetrics> listener) {
    this.onEpoch = listener == null ? m -> {} : listener;
    return self();
  }

  /**
   * Fault injection for tests and benchmarks: worker {@code worker} sleeps {@code millisPerBatch}
   * before each of its mini-batches (a straggler). Off by default.
   */
  public S setSlowWorker(int worker, long millisPerBatch) {
    if (worker < 0 || millisPerBatch < 0) {
      throw new IllegalArgumentException(
          "Invalid slow worker "
              + worker
              + " / "
              + millisPerBatch
              + " ms (expected worker >= 0 and a delay >= 0)");
    }
    this.faults = faults().withSlowWorker(worker, millisPerBatch);
    return self();
  }

  /**
   * Fault injection for tests: the first attempt of worker {@code worker}'s task fails right after
   * its push for table clock {@code clock} (counted from 0 over the whole fit, {@code batches} per
   * epoch) is acknowledged. The failed epoch stage runs again (every worker's task: Spark does not
   * retry a barrier result stage, the epoch loop does) and the parameter server drops the repeated
   * pushes, so the model is the one of an undisturbed run. Off by default.
   */
  public S setFailingWorker(int worker, long clock) {
    if (worker < 0 || clock < 0) {
      throw new IllegalArgumentException(
          "Invalid failing worker "
              + worker
              + " at clock "
              + clock
              + " (expected worker >= 0 and clock >= 0)");
    }
    this.faults = faults().withFailingWorker(worker, clock);
    return self();
  }

  SettingSchedule schedule() {
    return schedule;
  }

  SwitchListener switchListener() {
    return switchListener;
  }

  // the hooks are transient: a deserialized estimator has none
  Predicate<List<EpochMetrics>> stopWhen() {
    return stopWhen != null ? stopWhen : h -> false;
  }

  Faults faults() {
    return faults != null ? faults : Faults.NONE;
  }

  Consumer<EpochMetrics> epochListener() {
    return onEpoch != null ? onEpoch : m -> {};
  }

  // --- what fit uses ---

  /** The update rule the Params give. */
  UpdateRule rule() {
    return UpdateRule.of(
        updaterKind(getUpdater()),
        Map.of(Updaters.LEARNING_RATE, getStepSize(), Updaters.L2, getRegParam()));
  }

  /**
   * The first epoch's setting, given the cluster's shards and task slots for the "0: all" defaults.
   */
  Setting initialSetting(int clusterShards, int taskSlots) {
    return new Setting(
        StalenessBound.parse(getStaleness()),
        Aggregation.parse(getAggregation()),
        getNumShards() > 0 ? getNumShards() : clusterShards,
        PartitionerKind.parse(getPartitioner()),
        getNumWorkers() > 0 ? getNumWorkers() : taskSlots);
  }

  /**
   * Checks the input columns and the Params that depend on each other, before any job runs (Spark
   * calls this when a Pipeline is fitted), and returns the schema with the model's output columns.
   */
  @Override
  public StructType transformSchema(StructType schema) {
    // a staleness and an aggregation that cannot go together fail here, as they would in epoch 1
    new Setting(
        StalenessBound.parse(getStaleness()),
        Aggregation.parse(getAggregation()),
        1,
        PartitionerKind.parse(getPartitioner()),
        1);
    return outputSchema(schema);
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
    FitLoop.Fitted fitted = FitLoop.fit(this, data, objective.apply(data));
    M m =
        model.make(uid(), fitted.numFeatures(), fitted.width(), fitted.values(), fitted.summary());
    copyValues(m, ParamMap.empty());
    return m.setParent(this);
  }

  /** Copies the Params (with {@code extra}) and the training hooks into {@code to}. */
  protected S copyInto(S to, ParamMap extra) {
    copyValues(to, extra);
    PsEstimator<S, M> t = to;
    t.schedule = schedule;
    t.switchListener = switchListener;
    t.stopWhen = stopWhen;
    t.faults = faults;
    t.onEpoch = onEpoch;
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

  static String updaterKind(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (!n.equals("sgd") && !n.equals("adagrad")) {
      throw new IllegalArgumentException(
          "Unknown updater: '" + name + "' (expected sgd or adagrad)");
    }
    return n;
  }

  private static void checkTarget(double loss) {
    if (!Double.isNaN(loss) && (!(loss > 0) || !Double.isFinite(loss))) {
      throw new IllegalArgumentException(
          "Invalid target loss: " + loss + " (must be a finite number > 0)");
    }
  }

  private static void nonBlank(String what, String v) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(
          "Invalid " + what + ": '" + v + "' (expected a path or URI)");
    }
  }
}
