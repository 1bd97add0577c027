package io.trimtab.spark.ml;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.checkpoint.Checkpoint;
import io.trimtab.spark.checkpoint.Checkpoints;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.SparkChecks;
import io.trimtab.spark.TrimtabConf;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.plugin.ShardRegistration;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Sparse binary logistic regression trained on Trimtab's parameter server: the weights live in a
 * dense PS table split across the executors' shards, Spark tasks are the workers, and an epoch is
 * {@code batchesPerEpoch} clocks, each one mini-batch per worker. The knobs (staleness bound,
 * aggregation strategy, shard count, key partitioner, data partitions) start from the setters and
 * can change between epochs through a {@link SettingSchedule}, without losing model state.
 *
 * <p>A trainer holds configuration only; {@link #fit} may be called many times. Not thread-safe
 * while being configured.
 *
 * <pre>{@code
 * PsLogisticRegressionModel model = new PsLogisticRegression()
 *     .setEpochs(10).setStepSize(0.5).setUpdater("adagrad")
 *     .fit(spark.read().format("libsvm").load("data.txt"));
 * Evaluation test = model.evaluate(testData);
 * }</pre>
 */
public final class PsLogisticRegression {
  /** Recoveries from lost shards a fit attempts before it gives up. */
  private static final int MAX_RECOVERIES = 3;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PsLogisticRegression.class);
  private String labelCol = "label";
  private String featuresCol = "features";
  private int epochs = 10;
  private int batchesPerEpoch = 10;
  private int numWorkers = 0;
  private int numShards = 0;
  private double stepSize = 0.1;
  private double regParam = 0.0;
  private UpdateRule.Kind updater = UpdateRule.Kind.ADAGRAD;
  private PartitionerKind partitioner = PartitionerKind.HASH;
  private long seed = 42;
  private StalenessBound staleness = StalenessBound.bsp();
  private Aggregation aggregation = Aggregation.DIRECT;
  private SettingSchedule schedule;
  private String tuning;
  private double targetLoss = Double.NaN;
  private SwitchListener switchListener;
  private Predicate<List<EpochMetrics>> stopWhen = h -> false;
  private Faults faults = Faults.NONE;
  private Consumer<EpochMetrics> onEpoch = m -> {};
  private String checkpointDir;
  private String resumeFrom;

  /**
   * Directory (any Hadoop file system) where this fit writes checkpoints of the model between
   * epochs, one directory per model (default: {@code spark.trimtab.checkpoint.dir}, none); how often
   * and how many are kept come from {@code spark.trimtab.checkpoint.*}.
   */
  public PsLogisticRegression setCheckpointDir(String uri) {
    if (uri != null && uri.isBlank()) {
      throw new IllegalArgumentException("Invalid checkpoint directory: '" + uri + "' (expected a path or URI)");
    }
    this.checkpointDir = uri;
    return this;
  }

  /**
   * Resumes training from a checkpoint: a checkpoint file, or a checkpoint directory (its newest).
   * The model (weights, optimizer state, clock) is restored and training continues with the epoch
   * after the checkpoint's, up to {@link #setEpochs} in all, on the same data and settings.
   */
  public PsLogisticRegression setResumeFrom(String uri) {
    if (uri != null && uri.isBlank()) {
      throw new IllegalArgumentException("Invalid checkpoint to resume from: '" + uri + "' (expected a path or URI)");
    }
    this.resumeFrom = uri;
    return this;
  }

  public PsLogisticRegression setLabelCol(String col) {
    this.labelCol = col;
    return this;
  }

  public PsLogisticRegression setFeaturesCol(String col) {
    this.featuresCol = col;
    return this;
  }

  /** Passes over the data, >= 1 (default 10). */
  public PsLogisticRegression setEpochs(int epochs) {
    if (epochs < 1) {
      throw new IllegalArgumentException("Invalid epochs: " + epochs + " (must be >= 1)");
    }
    this.epochs = epochs;
    return this;
  }

  /** Mini-batches (clocks) per epoch per worker, >= 1 (default 10). 1 gives full-batch gradient descent. */
  public PsLogisticRegression setBatchesPerEpoch(int batches) {
    if (batches < 1) {
      throw new IllegalArgumentException("Invalid batches per epoch: " + batches + " (must be >= 1)");
    }
    this.batchesPerEpoch = batches;
    return this;
  }

  /** Worker tasks = data partitions (default 0: every task slot of the cluster). */
  public PsLogisticRegression setNumWorkers(int workers) {
    if (workers < 0) {
      throw new IllegalArgumentException("Invalid number of workers: " + workers + " (must be >= 1, or 0 for all task slots)");
    }
    this.numWorkers = workers;
    return this;
  }

  /** Shards the weight table is split over (default 0: all shards, one per executor). */
  public PsLogisticRegression setNumShards(int shards) {
    if (shards < 0) {
      throw new IllegalArgumentException("Invalid number of shards: " + shards + " (must be >= 1, or 0 for all)");
    }
    this.numShards = shards;
    return this;
  }

  /** Learning rate of the server-side updater, > 0 (default 0.1). */
  public PsLogisticRegression setStepSize(double stepSize) {
    UpdateRule.sgd(stepSize, 0);
    this.stepSize = stepSize;
    return this;
  }

  /** L2 strength, >= 0 (default 0), applied by the server to the weights each step touches. */
  public PsLogisticRegression setRegParam(double l2) {
    UpdateRule.sgd(1, l2);
    this.regParam = l2;
    return this;
  }

  /** Server-side update rule: "sgd" or "adagrad" (default). */
  public PsLogisticRegression setUpdater(String name) {
    String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
    if (!n.equals("SGD") && !n.equals("ADAGRAD")) {
      throw new IllegalArgumentException("Unknown updater: '" + name + "' (expected sgd or adagrad)");
    }
    this.updater = UpdateRule.Kind.valueOf(n);
    return this;
  }

  /** Key partitioner of the weight table: "hash" (default) or "range". */
  public PsLogisticRegression setPartitioner(String name) {
    this.partitioner = PartitionerKind.parse(name);
    return this;
  }

  /**
   * Seed of the shuffle that cuts each partition into mini-batches once, and of each epoch's order
   * of mini-batches (0: rows in partition order, batches in the same order every epoch).
   */
  public PsLogisticRegression setSeed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Consistency: "bsp" (default), "ssp:s" (reads at most s clocks stale) or "asp" (no waits). BSP and
   * SSP run each epoch as a Spark barrier stage (all workers at once); ASP as a plain stage.
   */
  public PsLogisticRegression setStaleness(String setting) {
    this.staleness = StalenessBound.parse(setting);
    return this;
  }

  /**
   * How updates reach the shards: "direct" (default), "executor-combine" (bsp/ssp only) or
   * "driver-tree" (MLlib's treeAggregate pattern, bsp only).
   */
  public PsLogisticRegression setAggregation(String name) {
    this.aggregation = Aggregation.parse(name);
    return this;
  }

  /**
   * Chooses each epoch's setting (staleness, aggregation, shards, partitioner, workers); the setters
   * above give the setting of epoch 1. Switches happen between epochs, keep the model exactly, and
   * their cost is reported in {@link EpochMetrics#switchSeconds()}. A schedule replaces the tuner
   * (null: back to {@link #setTuning}).
   */
  public PsLogisticRegression setSchedule(SettingSchedule schedule) {
    this.schedule = schedule;
    return this;
  }

  /**
   * Which knobs the tuner may switch between epochs: {@code "auto"} (all of them), {@code "off"}, or
   * a comma list of {@code staleness, aggregation, shards, partitioner, workers}. Defaults to
   * {@code spark.trimtab.tuning} (itself {@code auto}). The setters above give the first epoch's
   * setting, from which the tuner starts (unless a similar finished job left a better one in the
   * tuning history). An explicit {@link #setSchedule} turns tuning off.
   */
  public PsLogisticRegression setTuning(String knobs) {
    Tuning.knobs(knobs);
    this.tuning = knobs;
    return this;
  }

  /**
   * Training stops after the first epoch whose training loss is at most {@code loss}; the tuner
   * minimizes the time to it. Defaults to {@code spark.trimtab.tuner.targetLoss} (none: every epoch
   * runs and the tuner aims at convergence).
   */
  public PsLogisticRegression setTargetLoss(double loss) {
    if (!(loss > 0) || !Double.isFinite(loss)) {
      throw new IllegalArgumentException("Invalid target loss: " + loss + " (must be a finite number > 0)");
    }
    this.targetLoss = loss;
    return this;
  }

  /**
   * Ends training early, after an epoch, when {@code condition} holds for the metrics so far (e.g. a
   * target loss or a time budget); {@link #setEpochs} stays the upper limit.
   */
  public PsLogisticRegression setStopWhen(Predicate<List<EpochMetrics>> condition) {
    this.stopWhen = condition == null ? h -> false : condition;
    return this;
  }

  /** Audits switches with before/after snapshots of the model (two full table exports per switch). */
  public PsLogisticRegression setSwitchListener(SwitchListener listener) {
    this.switchListener = listener;
    return this;
  }

  /**
   * Fault injection for tests and benchmarks: worker {@code worker} sleeps {@code millisPerBatch}
   * before each of its mini-batches (a straggler). Off by default.
   */
  public PsLogisticRegression setSlowWorker(int worker, long millisPerBatch) {
    if (worker < 0 || millisPerBatch < 0) {
      throw new IllegalArgumentException("Invalid slow worker " + worker + " / " + millisPerBatch
          + " ms (expected worker >= 0 and a delay >= 0)");
    }
    this.faults = faults.withSlowWorker(worker, millisPerBatch);
    return this;
  }

  /**
   * Fault injection for tests: the first attempt of worker {@code worker}'s task fails right after
   * its push for table clock {@code clock} (counted from 0 over the whole fit, {@code batches} per
   * epoch) is acknowledged. The failed epoch stage runs again (every worker's task: Spark does not
   * retry a barrier result stage, the epoch loop does) and the parameter server drops the repeated
   * pushes, so the model is the one of an undisturbed run. Off by default.
   */
  public PsLogisticRegression setFailingWorker(int worker, long clock) {
    if (worker < 0 || clock < 0) {
      throw new IllegalArgumentException("Invalid failing worker " + worker + " at clock " + clock
          + " (expected worker >= 0 and clock >= 0)");
    }
    this.faults = faults.withFailingWorker(worker, clock);
    return this;
  }

  /** Called on the driver after every epoch (e.g. to print progress). */
  public PsLogisticRegression setEpochListener(Consumer<EpochMetrics> listener) {
    this.onEpoch = listener == null ? m -> {} : listener;
    return this;
  }

  public int getEpochs() {
    return epochs;
  }

  public int getBatchesPerEpoch() {
    return batchesPerEpoch;
  }

  /**
   * Trains on {@code data} (label 0/1, features vector).
   *
   * @throws IllegalArgumentException naming the column or row if the data are not usable
   * @throws IllegalStateException naming the setting if the cluster cannot run the requested workers
   */
  public PsLogisticRegressionModel fit(Dataset<Row> data) {
    Examples.checkSchema(data.schema(), labelCol, featuresCol);
    SparkSession spark = data.sparkSession();
    ParameterServer ps = Trimtab.parameterServer(spark);
    if (!ps.allShardsAnswer()) {
      // an executor was lost since the last fit: use the shards that answer, and any replacements
      ps.recover(ps.conf().registrationTimeout());
    }
    Setting initial = new Setting(staleness, aggregation, numShards > 0 ? numShards : ps.numShards(), partitioner,
        numWorkers > 0 ? numWorkers : ps.taskSlots());
    LrTrainingRun.check(ps, initial);
    int dim = Examples.numFeatures(data, featuresCol);
    UpdateRule rule = new UpdateRule(updater, stepSize, regParam);
    // the weights and the optimizer's state, one double each per key (and the intercept key)
    int doublesPerKey = 1 + rule.stateWidth();
    long executorHeap = SparkChecks.executorHeapBytes(spark.sparkContext().getConf());
    SparkChecks.requireModelFits(dim + 1L, doublesPerKey, initial.shards(), executorHeap,
        Runtime.getRuntime().maxMemory());
    int minShards = SparkChecks.minShards(dim + 1L, doublesPerKey, executorHeap, ps.numShards());
    int batches = batchesPerEpoch;
    long prepSeed = seed;
    String label = labelCol;
    String features = featuresCol;
    Function<Integer, JavaRDD<MiniBatch>> prepare = workers -> Examples.toExamples(data, label, features, dim)
        .repartition(workers)
        .mapPartitions(it -> {
          List<Example> rows = new ArrayList<>();
          it.forEachRemaining(rows::add);
          return MiniBatch.prepare(rows, batches, prepSeed, dim).iterator();
        }, true);
    TableHandle table = ps.createTable(TableSpec.dense("logreg-" + UUID.randomUUID(), dim + 1L, 1, rule), partitioner,
        initial.shards());
    Checkpoint resumed = null;
    if (resumeFrom != null) {
      resumed = Checkpoints.read(resumeFrom, spark.sparkContext().hadoopConfiguration());
      checkResumable(resumed, table.spec());
    }
    LrTrainingRun run;
    try {
      run = new LrTrainingRun(ps, table, prepare, initial, dim, batches, seed, faults);
      if (resumed != null) {
        run.resume(resumed.snapshot());
      }
    } catch (RuntimeException e) {
      ps.dropTable(table);
      throw e;
    }
    TrimtabConf conf = ps.conf();
    String ckDir = checkpointDir != null ? checkpointDir : conf.checkpointDir();
    Checkpoints checkpoints = ckDir == null ? null
        : Checkpoints.at(ckDir, spark.sparkContext().hadoopConfiguration(), conf.checkpointKeep());
    int checkpointEvery = conf.checkpointEpochs();
    java.time.Duration checkpointInterval = conf.checkpointInterval();
    long lastCheckpoint = System.nanoTime();
    int firstEpoch = resumed == null ? 1 : (int) resumed.epoch() + 1;
    double target = Double.isNaN(targetLoss) ? conf.targetLoss() : targetLoss;
    TuningSession session = null;
    try (run) {
      if (schedule == null) {
        session = Tuning.start(spark, ps, conf, tuning, target, initial, dim, run.rows(), batches, seed, epochs,
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
          onEpoch.accept(m);
          last = reached || stopWhen.test(List.copyOf(history)) || e == epochs;
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
      return new PsLogisticRegressionModel(java.util.Arrays.copyOf(w, dim), w[dim], history, run.rows(), tuned,
          repeated, replayedClocks, recoveries);
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
