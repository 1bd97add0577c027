package io.trimtab.spark.train;

import io.trimtab.spark.SparkChecks;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;

/**
 * Whether a setting's aggregation fits in memory: driver-tree keeps whole-model dense gradients
 * ({@link SparkChecks#driverTreeProblem}); the other paths send only the keys a mini-batch touches.
 * The trainer refuses a first setting, and a scheduled switch, that does not fit, and the tuner's
 * search space leaves such settings out.
 *
 * @param keys keys of the model table
 * @param width values per key
 * @param doublesPerKey values and optimizer state per key (a shard's part of the table)
 * @param driverHeap the driver's heap in bytes
 * @param executorHeap an executor's heap in bytes
 * @param executorCores task slots per executor
 */
record DriverTreeMemory(
    long keys,
    int width,
    int doublesPerKey,
    long driverHeap,
    long executorHeap,
    int executorCores) {

  /** Why {@code s} does not fit, or null if it does. */
  String problem(Setting s) {
    if (s.aggregation() != Aggregation.DRIVER_TREE) {
      return null;
    }
    return SparkChecks.driverTreeProblem(
        keys,
        width,
        SparkChecks.shardBytes(keys, doublesPerKey, s.shards()),
        driverHeap,
        executorHeap,
        executorCores);
  }

  /** Whether {@code s} fits. */
  boolean fits(Setting s) {
    return problem(s) == null;
  }

  /**
   * Fails if {@code s} does not fit.
   *
   * @throws IllegalArgumentException stating the rule and the sizes
   */
  void require(Setting s) {
    String problem = problem(s);
    if (problem != null) {
      throw new IllegalArgumentException("Setting " + s + ": " + problem);
    }
  }
}
