package io.trimtab.spark.train;

import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableKind;
import io.trimtab.ps.TableSnapshot;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.checkpoint.Manifest;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.SparkChecks;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.TrimtabConf;
import io.trimtab.spark.checkpoint.Checkpoints;
import io.trimtab.spark.objective.Objective;
import io.trimtab.spark.serve.ServedTable;
import io.trimtab.spark.tune.Tuning;
import io.trimtab.spark.tune.TuningSession;
import io.trimtab.tuner.Setting;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The training engine's entry point: one {@code fit} of any Trimtab model, driver-side. Checks the
 * cluster and the model's size, creates the model table, cuts the data into mini-batches, restores
 * a checkpoint or the objective's starting values, and hands the epochs to a {@link FitLoop} under
 * the tuner or a schedule. The model's own part is its {@link Objective}; what to train with comes
 * as a {@link TrainingSpec} and {@link TrainingHooks}. Holds configuration only; not thread-safe.
 */
public final class Trainer {
  private final TrainingSpec spec;
  private final TrainingHooks hooks;

  public Trainer(TrainingSpec spec, TrainingHooks hooks) {
    this.spec = java.util.Objects.requireNonNull(spec, "spec");
    this.hooks = hooks != null ? hooks : TrainingHooks.NONE;
  }

  /**
   * Trains {@code objective}'s model on {@code data}.
   *
   * @param servable whether the model can be served from the shards (kept there, not gathered into
   *     the driver, when {@link TrainingSpec#placement} says so)
   * @throws IllegalArgumentException naming the column, row or setting if the data or Params are
   *     not usable
   * @throws IllegalStateException naming the setting if the cluster cannot run the requested
   *     workers
   * @throws ShardLostException if a shard was lost and the fit could not recover
   */
  public Fitted fit(Dataset<Row> data, Objective objective, boolean servable) {
    SparkSession spark = data.sparkSession();
    ParameterServer ps = Trimtab.parameterServer(spark);
    if (!ps.allShardsAnswer()) {
      // an executor was lost since the last fit: use the shards that answer, and any replacements
      ps.recover(ps.conf().registrationTimeout());
    }
    Setting initial = spec.first().resolve(ps.numShards(), ps.taskSlots());
    TrainingRun.check(ps, initial);
    spec.features()
        .requireReadableBy(objective.readsLongIndices(), "The " + objective.name() + " model");
    long dim = spec.features().numFeatures(data);
    UpdateRule rule = spec.rule();
    long keys = objective.dimension(dim);
    // the parameters and the optimizer's state of a key
    int doublesPerKey = objective.width() * (1 + rule.stateWidth());
    long executorHeap = SparkChecks.executorHeapBytes(spark.sparkContext().getConf());
    // the driver holds a trained model's weights only when it is gathered there
    boolean onShards =
        spec.placement()
            .onShards(
                SparkChecks.driverModelProblem(
                    keys, objective.width(), Runtime.getRuntime().maxMemory()),
                servable,
                "the " + objective.name() + " model");
    // task slots per executor, one shard per executor
    int executorCores = Math.max(1, (ps.taskSlots() + ps.numShards() - 1) / ps.numShards());
    DriverTreeMemory treeMemory =
        new DriverTreeMemory(
            keys,
            objective.width(),
            doublesPerKey,
            Runtime.getRuntime().maxMemory(),
            executorHeap,
            executorCores);
    treeMemory.require(initial);
    if (hooks.schedule() == null) {
      Tuning.warmUp(ps, ps.conf(), spec.tuning(), initial);
    }
    DataCuts cuts = new DataCuts(ps, data, spec, dim, objective);
    boolean sparse;
    int minShards;
    TableHandle table;
    try {
      // auto may look at the data: the keys its first cut touches
      sparse =
          spec.layout()
              .sparse(
                  keys,
                  objective.startsFromValues(),
                  initial,
                  doublesPerKey,
                  SparkChecks.minShards(keys, doublesPerKey, executorHeap, initial.shards()) > 0,
                  () -> {
                    cuts.cut(initial.workers());
                    return cuts.distinctKeys();
                  });
      // a sparse table's size follows the keys the data touch
      if (!sparse) {
        SparkChecks.requireShardsFit(keys, doublesPerKey, initial.shards(), executorHeap);
      }
      minShards =
          sparse ? 1 : SparkChecks.minShards(keys, doublesPerKey, executorHeap, ps.numShards());
      String name = objective.name() + "-" + UUID.randomUUID();
      table =
          ps.createTable(
              sparse
                  ? TableSpec.sparse(name, objective.width(), rule)
                  : TableSpec.dense(name, keys, objective.width(), rule),
              initial.partitioner(),
              initial.shards());
    } catch (RuntimeException e) {
      // the data may have been cut to choose the layout
      cuts.close();
      throw e;
    }
    Checkpoints.Stored resumed = null;
    TrainingRun run;
    try {
      if (spec.resumeFrom() != null) {
        resumed = Checkpoints.read(spec.resumeFrom(), spark.sparkContext().hadoopConfiguration());
        checkResumable(resumed.manifest(), table.spec(), keys, dim);
      }
      Faults faults = Faults.from(k -> spark.conf().get(k, null));
      run = new TrainingRun(ps, table, keys, cuts, initial, objective, spec, faults, treeMemory);
      if (resumed != null) {
        run.resume(resumed);
      } else {
        // models that start from values read vectors: their features number at most 2^31
        double[] start =
            objective.startsFromValues()
                ? objective.initialValues(Math.toIntExact(dim), spec.seed())
                : null;
        if (start != null) {
          run.startFrom(
              new TableSnapshot(
                  0, allKeys(keys), start, new double[start.length * rule.stateWidth()]));
        }
      }
    } catch (RuntimeException e) {
      ps.dropTable(table);
      cuts.close();
      throw e;
    }
    TrimtabConf conf = ps.conf();
    Checkpointer checkpoints =
        Checkpointer.of(spec.checkpointDir(), conf, spark.sparkContext().hadoopConfiguration());
    int firstEpoch = resumed == null ? 1 : (int) resumed.manifest().epoch() + 1;
    double target = Double.isNaN(spec.targetLoss()) ? conf.targetLoss() : spec.targetLoss();
    TuningSession session = null;
    try (run) {
      if (hooks.schedule() == null) {
        session =
            Tuning.start(
                spark,
                ps,
                conf,
                spec.tuning(),
                target,
                initial,
                objective,
                dim,
                run.rows(),
                spec.batchesPerEpoch(),
                spec.seed(),
                spec.epochs(),
                minShards,
                s -> run.problem(s) == null,
                cuts.clockKeys());
        if (session != null) {
          session.dataCutSeconds(cuts.firstCutSeconds());
        }
      }
      FitLoop loop =
          new FitLoop(
              ps, run, spec.epochs(), target, session, hooks, checkpoints, cuts.firstCutSeconds());
      FitSummary summary = loop.run(firstEpoch);
      if (onShards) {
        return Fitted.served(ServedTable.keep(ps, run.keepTable(), keys), dim, summary);
      }
      return Fitted.gathered(run.values(), dim, objective.width(), summary);
    } finally {
      if (session != null) {
        session.close();
      }
    }
  }

  /** Fails unless {@code c} holds a model this fit can continue: same features and update rule. */
  private static void checkResumable(Manifest c, TableSpec spec, long keys, long numFeatures) {
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
    // the model's own keys (intercept, biases) come after the features'
    long own = keys - numFeatures;
    if (c.spec().kind() == TableKind.DENSE && c.spec().dimension() != keys) {
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
    // a sparse checkpoint has no dimension: its keys must be the model's
    long largest = c.maxKey();
    if (largest >= keys) {
      throw new IllegalArgumentException(
          "Cannot resume from the checkpoint of epoch "
              + c.epoch()
              + ": it holds key "
              + largest
              + ", but a model of "
              + numFeatures
              + " features has keys 0 .. "
              + (keys - 1)
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

  static long[] allKeys(long n) {
    long[] keys = new long[Math.toIntExact(n)];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = i;
    }
    return keys;
  }
}
