package io.trimtab.spark.ml;

import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.checkpoint.Checkpoint;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.SparkChecks;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.TrimtabConf;
import io.trimtab.spark.checkpoint.Checkpoints;
import io.trimtab.spark.plugin.ShardRegistration;
import io.trimtab.spark.plugin.TrimtabMetrics;
import io.trimtab.tuner.Setting;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * One {@code fit} of any Trimtab model, driver-side: checks the cluster and the model's size,
 * creates the model table, cuts the data into mini-batches, and runs the epochs under the tuner or
 * a schedule, switching settings between epochs, writing checkpoints, and recovering from lost
 * shards from the last one. The model's own part is its {@link Objective}; the training Params come
 * from the {@link PsEstimator}.
 */
final class FitLoop {
  /** Recoveries from lost shards a fit attempts before it gives up. */
  private static final int MAX_RECOVERIES = 3;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FitLoop.class);

  private FitLoop() {}

  /**
   * What a fit produced.
   *
   * @param values every key's final values ({@code width} each, key-major)
   * @param numFeatures the features of the data
   * @param width the objective's {@link Objective#width}
   * @param summary what training did
   */
  record Fitted(double[] values, int numFeatures, int width, FitSummary summary) {}

  /**
   * Trains {@code objective}'s model on {@code data} with {@code est}'s Params and hooks.
   *
   * @throws IllegalArgumentException naming the column, row or setting if the data or Params are
   *     not usable
   * @throws IllegalStateException naming the setting if the cluster cannot run the requested
   *     workers
   * @throws ShardLostException if a shard was lost and the fit could not recover
   */
  static Fitted fit(PsEstimator<?, ?> est, Dataset<Row> data, Objective objective) {
    SparkSession spark = data.sparkSession();
    ParameterServer ps = Trimtab.parameterServer(spark);
    if (!ps.allShardsAnswer()) {
      // an executor was lost since the last fit: use the shards that answer, and any replacements
      ps.recover(ps.conf().registrationTimeout());
    }
    Setting initial = est.initialSetting(ps.numShards(), ps.taskSlots());
    TrainingRun.check(ps, initial);
    int dim = Examples.numFeatures(data, est.getFeaturesCol());
    UpdateRule rule = est.rule();
    long keys = objective.dimension(dim);
    // the parameters and the optimizer's state of a key
    int doublesPerKey = objective.width() * (1 + rule.stateWidth());
    long executorHeap = SparkChecks.executorHeapBytes(spark.sparkContext().getConf());
    SparkChecks.requireModelFits(
        keys, doublesPerKey, initial.shards(), executorHeap, Runtime.getRuntime().maxMemory());
    int minShards = SparkChecks.minShards(keys, doublesPerKey, executorHeap, ps.numShards());
    int batches = est.getBatchesPerEpoch();
    long seed = est.getSeed();
    long prepSeed = seed;
    String label = est.getLabelCol();
    String features = est.getFeaturesCol();
    int epochs = est.getEpochs();
    String resumeFrom = est.getResumeFrom();
    SettingSchedule schedule = est.schedule();
    SwitchListener switchListener = est.switchListener();
    long[] extraKeys = objective.extraKeys(dim);
    Function<Integer, JavaRDD<MiniBatch>> prepare =
        workers ->
            Examples.toExamples(data, label, features, dim, objective)
                .repartition(workers)
                .mapPartitions(
                    it -> {
                      List<Example> rows = new ArrayList<>();
                      it.forEachRemaining(rows::add);
                      return MiniBatch.prepare(rows, batches, prepSeed, extraKeys).iterator();
                    },
                    true);
    TableHandle table =
        ps.createTable(
            TableSpec.dense(
                objective.name() + "-" + UUID.randomUUID(), keys, objective.width(), rule),
            initial.partitioner(),
            initial.shards());
    Checkpoint resumed = null;
    TrainingRun run;
    try {
      if (resumeFrom != null) {
        resumed = Checkpoints.read(resumeFrom, spark.sparkContext().hadoopConfiguration());
        checkResumable(resumed, table.spec(), dim);
      }
      run = new TrainingRun(ps, table, prepare, initial, objective, batches, seed, est.faults());
      if (resumed != null) {
        run.resume(resumed.snapshot());
      } else {
        double[] start = objective.initialValues(dim, seed);
        if (start != null) {
          run.resume(
              new TableSnapshot(
                  0, allKeys(keys), start, new double[start.length * rule.stateWidth()]));
        }
      }
    } catch (RuntimeException e) {
      ps.dropTable(table);
      throw e;
    }
    TrimtabConf conf = ps.conf();
    String ckDir = est.getCheckpointDir() != null ? est.getCheckpointDir() : conf.checkpointDir();
    Checkpoints checkpoints =
        ckDir == null
            ? null
            : Checkpoints.at(
                ckDir, spark.sparkContext().hadoopConfiguration(), conf.checkpointKeep());
    int checkpointEvery = conf.checkpointEpochs();
    java.time.Duration checkpointInterval = conf.checkpointInterval();
    long lastCheckpoint = System.nanoTime();
    int firstEpoch = resumed == null ? 1 : (int) resumed.epoch() + 1;
    double target = Double.isNaN(est.getTargetLoss()) ? conf.targetLoss() : est.getTargetLoss();
    TuningSession session = null;
    try (run) {
      if (schedule == null) {
        session =
            Tuning.start(
                spark,
                ps,
                conf,
                est.getTuning(),
                target,
                initial,
                objective,
                dim,
                run.rows(),
                batches,
                seed,
                epochs,
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
          Setting next =
              session != null
                  ? session.next()
                  : schedule != null ? schedule.next(e, from, List.copyOf(history)) : from;
          TableSnapshot before =
              switchListener != null && !next.equals(from) ? run.snapshot() : null;
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
          TrimtabMetrics.epoch(
              m.epoch(),
              m.trainLoss(),
              m.seconds(),
              m.examplesPerSecond(),
              m.etaSeconds(),
              m.setting(),
              history.stream().mapToDouble(EpochMetrics::tunerSeconds).sum());
          est.epochListener().accept(m);
          last = reached || est.stopWhen().test(List.copyOf(history)) || e == epochs;
          if (checkpoints != null
              && (e % checkpointEvery == 0
                  || last
                  || checkpointInterval != null
                      && System.nanoTime() - lastCheckpoint >= checkpointInterval.toNanos())) {
            // between epochs every worker is done: the snapshot is one clock of the whole model
            long t0 = System.nanoTime();
            String written =
                checkpoints.write(new Checkpoint(run.table().spec(), e, run.snapshot()));
            lastWritten = written;
            lastWrittenEpoch = e;
            lastCheckpoint = System.nanoTime();
            LOG.info(
                String.format(
                    Locale.ROOT,
                    "Trimtab: checkpoint of epoch %d (clock %d) written to %s in %.3f s",
                    e,
                    run.clock(),
                    written,
                    (lastCheckpoint - t0) / 1e9));
          }
        } catch (ShardLostException | io.trimtab.ps.PsException failed) {
          // an epoch, a switch, a snapshot or a checkpoint that reached a shard whose executor is
          // gone
          String lost =
              failed instanceof ShardLostException
                  ? failed.getMessage()
                  : ps.lostShards(run.table(), java.time.Duration.ofSeconds(10))
                      .orElseThrow(() -> failed);
          Throwable cause = failed instanceof ShardLostException ? failed.getCause() : failed;
          if (lastWritten == null || recoveries.size() >= MAX_RECOVERIES) {
            throw stopped(
                lost
                    + (recoveries.isEmpty() ? "" : " (after " + recoveries.size() + " recoveries)"),
                cause,
                e,
                lastWritten,
                lastWrittenEpoch);
          }
          // recover: the shards as they are now, the model as of the last checkpoint, and the
          // epochs since again
          long t0 = System.nanoTime();
          List<ShardRegistration> added = ps.recover(conf.registrationTimeout());
          Checkpoint restored =
              Checkpoints.read(lastWritten, spark.sparkContext().hadoopConfiguration());
          long replayed = run.recover(restored.snapshot());
          replayedClocks += replayed;
          int resumeAt = lastWrittenEpoch;
          history.removeIf(h -> h.epoch() > resumeAt);
          String note =
              String.format(
                  Locale.ROOT,
                  "%s. Recovered in %.1f s: the model of epoch %d (clock %d) from %s "
                      + "on %d shards (%d new: %s); replaying %d clocks (epochs %d-%d)",
                  lost,
                  (System.nanoTime() - t0) / 1e9,
                  resumeAt,
                  restored.snapshot().clock(),
                  lastWritten,
                  ps.numShards(),
                  added.size(),
                  added.stream()
                      .map(r -> "executor " + r.executorId() + " at " + r.host() + ":" + r.port())
                      .toList(),
                  replayed,
                  resumeAt + 1,
                  e);
          LOG.warn("Trimtab: {}", note);
          recoveries.add(note);
          e = resumeAt;
          continue;
        }
        if (last) {
          break;
        }
      }
      double[] values = run.values();
      long repeated = run.repeatedPushes();
      if (repeated > 0) {
        LOG.info(
            "Trimtab: {} repeated pushes from retried or speculative task attempts were dropped by the shards "
                + "(each worker's update of a clock is applied once)",
            repeated);
      }
      TuningResult tuned = session != null ? session.finish() : null;
      return new Fitted(
          values,
          dim,
          objective.width(),
          new FitSummary(history, run.rows(), tuned, repeated, replayedClocks, recoveries));
    } finally {
      if (session != null) {
        session.close();
      }
    }
  }

  /**
   * The error that ends a fit whose shard was lost in epoch {@code epoch}, with where to resume
   * from.
   */
  private static ShardLostException stopped(
      String lost, Throwable cause, int epoch, String lastWritten, int lastWrittenEpoch) {
    return new ShardLostException(
        lost
            + "; the fit stopped in epoch "
            + epoch
            + ". "
            + (lastWritten == null
                ? "No checkpoint was written: set spark.trimtab.checkpoint.dir (or setCheckpointDir) to make a fit resumable"
                : "Resume from the last checkpoint, "
                    + lastWritten
                    + " (epoch "
                    + lastWrittenEpoch
                    + "), with setResumeFrom "
                    + "or --resume-from"),
        cause);
  }

  /** Fails unless {@code c} holds a model this fit can continue: same features and update rule. */
  private static void checkResumable(Checkpoint c, TableSpec spec, int numFeatures) {
    if (c.spec().width() != spec.width()) {
      throw new IllegalArgumentException(
          "Cannot resume from the checkpoint of epoch "
              + c.epoch()
              + ": its model has "
              + c.spec().width()
              + " values per key, this one "
              + spec.width()
              + " (expected a checkpoint of the same kind "
              + "of model, with the same classes or factors)");
    }
    if (c.spec().dimension() != spec.dimension()) {
      // the model's own keys (intercept, biases) come after the features'
      long own = spec.dimension() - numFeatures;
      throw new IllegalArgumentException(
          "Cannot resume from the checkpoint of epoch "
              + c.epoch()
              + ": it holds a "
              + "model of "
              + (c.spec().dimension() - own)
              + " features, but the data have "
              + numFeatures
              + " (expected the same features as the run that wrote it)");
    }
    if (!c.spec().rule().equals(spec.rule())) {
      throw new IllegalArgumentException(
          "Cannot resume from the checkpoint of epoch "
              + c.epoch()
              + ": it was "
              + "trained with "
              + c.spec().rule()
              + ", this fit uses "
              + spec.rule()
              + " (expected the same updater, "
              + "step size and regularization)");
    }
  }

  private static long[] allKeys(long n) {
    long[] keys = new long[Math.toIntExact(n)];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
    }
    return keys;
  }
}
