package io.trimtab.spark.ml;

import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.checkpoint.Checkpoint;
import io.trimtab.spark.checkpoint.Checkpoints;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.SparkChecks;
import io.trimtab.spark.TrimtabConf;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.plugin.ShardRegistration;
import io.trimtab.tuner.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Sparse binary logistic regression trained on Trimtab's parameter server, as a Spark ML
 * {@code Estimator}: the weights live in a dense PS table split across the executors' shards, Spark
 * tasks are the workers, and an epoch is {@code batchesPerEpoch} clocks, each one mini-batch per
 * worker. The knobs (staleness bound, aggregation strategy, shard count, key partitioner, data
 * partitions) start from the Params and change between epochs under the tuner or a {@link
 * SettingSchedule}, without losing model state. The training Params are {@link PsEstimator}'s;
 * this class adds the probability column.
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
public final class PsLogisticRegression extends PsEstimator<PsLogisticRegression, PsLogisticRegressionModel> {
  private static final long serialVersionUID = 1L;
  /** Recoveries from lost shards a fit attempts before it gives up. */
  private static final int MAX_RECOVERIES = 3;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PsLogisticRegression.class);
  private final Param<String> probabilityCol;

  public PsLogisticRegression() {
    this(Identifiable.randomUID("psLogReg"));
  }

  /** With a given uid (Spark rebuilds a saved stage through this constructor). */
  public PsLogisticRegression(String uid) {
    super(uid);
    probabilityCol = Cols.probabilityCol(this);
    setDefault(probabilityCol, Cols.PROBABILITY);
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public PsLogisticRegression setProbabilityCol(String col) {
    set(probabilityCol, col);
    return this;
  }

  public String getProbabilityCol() {
    return getOrDefault(probabilityCol);
  }

  @Override
  public PsLogisticRegression copy(ParamMap extra) {
    return copyInto(new PsLogisticRegression(uid()), extra);
  }

  @Override
  protected StructType outputSchema(StructType schema) {
    Examples.checkSchema(schema, getLabelCol(), getFeaturesCol());
    return PsLogisticRegressionModel.withOutputColumns(schema, getProbabilityCol(), getPredictionCol());
  }

  /** Reads an estimator saved with {@code write().save(path)}: its Params (training hooks are not saved). */
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
   * @throws IllegalStateException naming the setting if the cluster cannot run the requested workers
   */
  @Override
  public PsLogisticRegressionModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    @SuppressWarnings("unchecked")
    Dataset<Row> data = (Dataset<Row>) dataset.toDF();
    SparkSession spark = data.sparkSession();
    ParameterServer ps = Trimtab.parameterServer(spark);
    if (!ps.allShardsAnswer()) {
      // an executor was lost since the last fit: use the shards that answer, and any replacements
      ps.recover(ps.conf().registrationTimeout());
    }
    Setting initial = initialSetting(ps.numShards(), ps.taskSlots());
    LrTrainingRun.check(ps, initial);
    int dim = Examples.numFeatures(data, getFeaturesCol());
    UpdateRule rule = rule();
    // the weights and the optimizer's state, one double each per key (and the intercept key)
    int doublesPerKey = 1 + rule.stateWidth();
    long executorHeap = SparkChecks.executorHeapBytes(spark.sparkContext().getConf());
    SparkChecks.requireModelFits(dim + 1L, doublesPerKey, initial.shards(), executorHeap,
        Runtime.getRuntime().maxMemory());
    int minShards = SparkChecks.minShards(dim + 1L, doublesPerKey, executorHeap, ps.numShards());
    int batches = getBatchesPerEpoch();
    long seed = getSeed();
    long prepSeed = seed;
    String label = getLabelCol();
    String features = getFeaturesCol();
    int epochs = getEpochs();
    String resumeFrom = getResumeFrom();
    SettingSchedule schedule = schedule();
    SwitchListener switchListener = switchListener();
    Function<Integer, JavaRDD<MiniBatch>> prepare = workers -> Examples.toExamples(data, label, features, dim)
        .repartition(workers)
        .mapPartitions(it -> {
          List<Example> rows = new ArrayList<>();
          it.forEachRemaining(rows::add);
          return MiniBatch.prepare(rows, batches, prepSeed, dim).iterator();
        }, true);
    TableHandle table = ps.createTable(TableSpec.dense("logreg-" + UUID.randomUUID(), dim + 1L, 1, rule),
        initial.partitioner(), initial.shards());
    Checkpoint resumed = null;
    if (resumeFrom != null) {
      resumed = Checkpoints.read(resumeFrom, spark.sparkContext().hadoopConfiguration());
      checkResumable(resumed, table.spec());
    }
    LrTrainingRun run;
    try {
      run = new LrTrainingRun(ps, table, prepare, initial, dim, batches, seed, faults());
      if (resumed != null) {
        run.resume(resumed.snapshot());
      }
    } catch (RuntimeException e) {
      ps.dropTable(table);
      throw e;
    }
    TrimtabConf conf = ps.conf();
    String ckDir = getCheckpointDir() != null ? getCheckpointDir() : conf.checkpointDir();
    Checkpoints checkpoints = ckDir == null ? null
        : Checkpoints.at(ckDir, spark.sparkContext().hadoopConfiguration(), conf.checkpointKeep());
    int checkpointEvery = conf.checkpointEpochs();
    java.time.Duration checkpointInterval = conf.checkpointInterval();
    long lastCheckpoint = System.nanoTime();
    int firstEpoch = resumed == null ? 1 : (int) resumed.epoch() + 1;
    double target = Double.isNaN(getTargetLoss()) ? conf.targetLoss() : getTargetLoss();
    TuningSession session = null;
    try (run) {
      if (schedule == null) {
        session = Tuning.start(spark, ps, conf, getTuning(), target, initial, dim, run.rows(), batches, seed, epochs,
            minShards);
        if (session != null) {
          session.dataCutSeconds(run.firstCutSeconds());
        }
      }
      List<EpochMetrics> history = new ArrayList<>();
      String lastWritten = null;
      int lastWrittenEpoch = 0;
      List<String> recoveries = new ArrayList<>();
      long replayedClocks = 0;
      for (int e = firstEpoch; e <= epochs; e++) {
        boolean last;
        try {
          Setting from = run.setting();
          Setting next = session != null ? session.next()
              : schedule != null ? schedule.next(e, from, List.copyOf(history)) : from;
          TableSnapshot before = switchListener != null && !next.equals(from) ? run.snapshot() : null;
          double switchSeconds = run.switchTo(next);
          if (before != null) {
            switchListener.switched(e, from, next, before, run.snapshot(), switchSeconds);
          }
          EpochMetrics m = run.runEpoch(e, switchSeconds);
          boolean reached = m.trainLoss() <= target;
          if (session != null) {
            m = session.observe(m, reached);
          }
          history.add(m);
          epochListener().accept(m);
          last = reached || stopWhen().test(List.copyOf(history)) || e == epochs;
          if (checkpoints != null && (e % checkpointEvery == 0 || last || checkpointInterval != null
              && System.nanoTime() - lastCheckpoint >= checkpointInterval.toNanos())) {
            // between epochs every worker is done: the snapshot is one clock of the whole model
            long t0 = System.nanoTime();
            String written = checkpoints.write(new Checkpoint(run.table().spec(), e, run.snapshot()));
            lastWritten = written;
            lastWrittenEpoch = e;
            lastCheckpoint = System.nanoTime();
            LOG.info(String.format(Locale.ROOT, "Trimtab: checkpoint of epoch %d (clock %d) written to %s in %.3f s",
                e, run.clock(), written, (lastCheckpoint - t0) / 1e9));
          }
        } catch (ShardLostException | io.trimtab.ps.PsException failed) {
          // an epoch, a switch, a snapshot or a checkpoint that reached a shard whose executor is gone
          String lost = failed instanceof ShardLostException ? failed.getMessage()
              : ps.lostShards(run.table(), java.time.Duration.ofSeconds(10)).orElseThrow(() -> failed);
          Throwable cause = failed instanceof ShardLostException ? failed.getCause() : failed;
          if (lastWritten == null || recoveries.size() >= MAX_RECOVERIES) {
            throw stopped(lost + (recoveries.isEmpty() ? "" : " (after " + recoveries.size() + " recoveries)"), cause,
                e, lastWritten, lastWrittenEpoch);
          }
          // recover: the shards as they are now, the model as of the last checkpoint, and the epochs since again
          long t0 = System.nanoTime();
          List<ShardRegistration> added = ps.recover(conf.registrationTimeout());
          Checkpoint restored = Checkpoints.read(lastWritten, spark.sparkContext().hadoopConfiguration());
          long replayed = run.recover(restored.snapshot());
          replayedClocks += replayed;
          int resumeAt = lastWrittenEpoch;
          history.removeIf(h -> h.epoch() > resumeAt);
          String note = String.format(Locale.ROOT, "%s. Recovered in %.1f s: the model of epoch %d (clock %d) from %s "
              + "on %d shards (%d new: %s); replaying %d clocks (epochs %d-%d)", lost, (System.nanoTime() - t0) / 1e9,
              resumeAt, restored.snapshot().clock(), lastWritten, ps.numShards(), added.size(),
              added.stream().map(r -> "executor " + r.executorId() + " at " + r.host() + ":" + r.port()).toList(),
              replayed, resumeAt + 1, e);
          LOG.warn("Trimtab: {}", note);
          recoveries.add(note);
          e = resumeAt;
          continue;
        }
        if (last) {
          break;
        }
      }
      double[] w = run.weights();
      long repeated = run.repeatedPushes();
      if (repeated > 0) {
        LOG.info("Trimtab: {} repeated pushes from retried or speculative task attempts were dropped by the shards "
            + "(each worker's update of a clock is applied once)", repeated);
      }
      TuningResult tuned = session != null ? session.finish() : null;
      PsLogisticRegressionModel model = new PsLogisticRegressionModel(uid(), java.util.Arrays.copyOf(w, dim), w[dim],
          new PsLogisticRegressionModel.Training(history, run.rows(), tuned, repeated, replayedClocks, recoveries));
      copyValues(model, ParamMap.empty());
      return model.setParent(this);
    } finally {
      if (session != null) {
        session.close();
      }
    }
  }

  /** The error that ends a fit whose shard was lost in epoch {@code epoch}, with where to resume from. */
  private static ShardLostException stopped(String lost, Throwable cause, int epoch, String lastWritten,
      int lastWrittenEpoch) {
    return new ShardLostException(lost + "; the fit stopped in epoch " + epoch + ". " + (lastWritten == null
        ? "No checkpoint was written: set spark.trimtab.checkpoint.dir (or setCheckpointDir) to make a fit resumable"
        : "Resume from the last checkpoint, " + lastWritten + " (epoch " + lastWrittenEpoch + "), with setResumeFrom "
            + "or --resume-from"), cause);
  }

  /** Fails unless {@code c} holds a model this fit can continue: same features and update rule. */
  private static void checkResumable(Checkpoint c, TableSpec spec) {
    if (c.spec().dimension() != spec.dimension() || c.spec().width() != spec.width()) {
      throw new IllegalArgumentException("Cannot resume from the checkpoint of epoch " + c.epoch() + ": it holds a "
          + "model of " + (c.spec().dimension() - 1) + " features, but the data have " + (spec.dimension() - 1)
          + " (expected the same features as the run that wrote it)");
    }
    if (!c.spec().rule().equals(spec.rule())) {
      throw new IllegalArgumentException("Cannot resume from the checkpoint of epoch " + c.epoch() + ": it was "
          + "trained with " + c.spec().rule() + ", this fit uses " + spec.rule() + " (expected the same updater, "
          + "step size and regularization)");
    }
  }
}
