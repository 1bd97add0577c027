package io.trimtab.spark.train;

import io.trimtab.ps.TableHandle;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.objective.MiniBatch;
import io.trimtab.spark.objective.Objective;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import org.apache.spark.api.java.JavaRDD;

/**
 * How one aggregation path runs the clocks of an epoch against the parameter server: one task per
 * worker pushing to the shards ({@link TaskEpochRunner} with a {@link PushPath}: direct, or
 * combined per executor), or the driver aggregating the workers' gradients with {@code
 * treeAggregate} ({@link TreeEpochRunner}). {@link #of} is the one place that maps the tuner's
 * {@link Aggregation} to a runner. Driver-side.
 */
interface EpochRunner {

  /**
   * One epoch to run.
   *
   * @param table the model table
   * @param data the cut data: one partition of mini-batches per worker
   * @param baseClock the table clock of the epoch's first mini-batch
   * @param orderSeed seed of the epoch's order of mini-batches (0: partition order)
   * @param clocks mini-batches per worker, the clocks of the epoch
   * @param setting the setting the epoch runs with
   */
  record Epoch(
      TableHandle table,
      JavaRDD<MiniBatch> data,
      long baseClock,
      long orderSeed,
      int clocks,
      Setting setting) {}

  /**
   * Runs {@code epoch}'s clocks; the table's clock is then {@code baseClock + clocks}.
   *
   * @throws ShardLostException if a shard the table lives on is gone
   */
  EpochTotals run(Epoch epoch);

  /** The workers the shards count per clock when {@code workers} tasks train. */
  int tableWorkers(int workers);

  /** The runner of {@code aggregation}'s path. */
  static EpochRunner of(
      Aggregation aggregation, ParameterServer ps, Objective objective, Faults faults) {
    return switch (aggregation) {
      case DIRECT -> new TaskEpochRunner(ps, objective, faults, PushPath.direct());
      case EXECUTOR_COMBINE ->
          new TaskEpochRunner(ps, objective, faults, PushPath.executorCombine());
      case DRIVER_TREE -> new TreeEpochRunner(ps, objective);
    };
  }
}
