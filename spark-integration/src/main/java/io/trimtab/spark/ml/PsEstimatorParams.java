package io.trimtab.spark.ml;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.update.Updaters;
import io.trimtab.spark.objective.FeatureColumns;
import io.trimtab.spark.train.ModelPlacement;
import io.trimtab.spark.train.TableLayout;
import io.trimtab.spark.train.TrainingSpec;
import io.trimtab.spark.tune.Tuning;
import io.trimtab.tuner.Aggregation;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsWritable;

/**
 * The training Params shared by every Trimtab estimator (the columns, the epochs and mini-batches,
 * the server-side update rule, the knobs of the first epoch, the tuning and the checkpoints): their
 * declarations, validators, defaults and getters, in one place. {@link PsEstimator} adds the
 * setters and the fit.
 *
 * <p>Past 400 lines because it is the table of every training Param (24 of them), kept together as
 * {@code TrimtabConf} keeps its keys: each one's name, doc, validator, default and getter side by
 * side, so that a Param is added or changed in one place.
 *
 * @param <M> the model the estimator fits
 */
public abstract class PsEstimatorParams<M extends PsModel<M>> extends Estimator<M>
    implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;

  private final Param<String> labelCol;
  private final Param<String> featuresCol;
  private final Param<String> indicesCol;
  private final Param<String> valuesCol;
  private final LongParam numFeatures;
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
  private final Param<String> tableLayout;
  private final Param<String> modelPlacement;

  PsEstimatorParams(String uid) {
    this.uid = uid;
    // Params after the uid: a Param takes its parent's uid when it is made
    labelCol = Cols.labelCol(this);
    featuresCol = Cols.featuresCol(this);
    indicesCol = Cols.indicesCol(this);
    valuesCol = Cols.valuesCol(this);
    numFeatures =
        new LongParam(
            this,
            "numFeatures",
            "size of the 64-bit feature space of indicesCol (indices below it; 0: the largest index"
                + " in the data plus one); vectors give their own size",
            Valid.<Object>of(v -> new FeatureColumns(null, null, null, ((Number) v).longValue())));
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
            Valid.<String>of(PsEstimatorParams::updaterKind));
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
            "checkpoint (epoch-NNNNNN directory) or checkpoint directory (its newest) to resume training from",
            Valid.of(v -> nonBlank("checkpoint to resume from", v)));
    tableLayout =
        new Param<>(
            this,
            "tableLayout",
            "how the shards store the model: dense (every key), sparse (the keys the data touch), or auto "
                + "(sparse above 2^24 keys unless the model starts from values for every key or the data"
                + " touch so many keys that a dense table is smaller and fits the shards)",
            Valid.<String>of(TableLayout::parse));
    modelPlacement =
        new Param<>(
            this,
            "modelPlacement",
            "where the trained model lives: driver (gathered, broadcast to score), shards (kept on the"
                + " parameter server, each task pulling the keys it scores; logistic regression), or auto"
                + " (the shards when the driver cannot hold the model)",
            Valid.<String>of(ModelPlacement::parse));
    setDefault(labelCol, Cols.LABEL);
    setDefault(featuresCol, Cols.FEATURES);
    setDefault(valuesCol, Cols.VALUES);
    setDefault(numFeatures, 0L);
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
    setDefault(tableLayout, "auto");
    setDefault(modelPlacement, "auto");
  }

  @Override
  public String uid() {
    return uid;
  }

  // --- the Params (Spark finds them through these public no-argument methods) ---

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

  public final LongParam numFeatures() {
    return numFeatures;
  }

  /** Where a fit reads the features: the vector column, or 64-bit indices and values. */
  final FeatureColumns features() {
    return isDefined(indicesCol)
        ? new FeatureColumns(
            getFeaturesCol(),
            getOrDefault(indicesCol),
            getOrDefault(valuesCol),
            (Long) getOrDefault(numFeatures))
        : FeatureColumns.vector(getFeaturesCol());
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

  public final Param<String> tableLayout() {
    return tableLayout;
  }

  public final Param<String> modelPlacement() {
    return modelPlacement;
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

  public String getTableLayout() {
    return getOrDefault(tableLayout);
  }

  public String getModelPlacement() {
    return getOrDefault(modelPlacement);
  }

  /** What the engine trains with: these Params, resolved. */
  final TrainingSpec spec() {
    return new TrainingSpec(
        getLabelCol(),
        features(),
        getEpochs(),
        getBatchesPerEpoch(),
        getSeed(),
        UpdateRule.of(
            updaterKind(getUpdater()),
            Map.of(Updaters.LEARNING_RATE, getStepSize(), Updaters.L2, getRegParam())),
        new TrainingSpec.FirstSetting(
            StalenessBound.parse(getStaleness()),
            Aggregation.parse(getAggregation()),
            getNumShards(),
            PartitionerKind.parse(getPartitioner()),
            getNumWorkers()),
        getTuning(),
        getTargetLoss(),
        getCheckpointDir(),
        getResumeFrom(),
        TableLayout.parse(getTableLayout()),
        ModelPlacement.parse(getModelPlacement()));
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
