package io.trimtab.tuner;

import java.util.Arrays;
import java.util.Locale;

/** How the workers' updates reach the parameter server. */
public enum Aggregation {
  /** Every task pushes each mini-batch's update to the owning shards. */
  DIRECT,
  /**
   * Tasks in one executor merge their updates; one push per shard per clock leaves the executor.
   */
  EXECUTOR_COMBINE,
  /**
   * MLlib's pattern: per clock the driver broadcasts the weights, Spark's {@code treeAggregate}
   * sums the tasks' gradients, and the driver applies one aggregated update to the PS. BSP only.
   */
  DRIVER_TREE;

  /** Parses "direct", "executor-combine"/"combine", or "driver-tree"/"tree" (case-insensitive). */
  public static Aggregation parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return switch (n) {
      case "direct" -> DIRECT;
      case "executor-combine", "combine" -> EXECUTOR_COMBINE;
      case "driver-tree", "tree" -> DRIVER_TREE;
      default ->
          throw new IllegalArgumentException(
              "Unknown aggregation strategy: '"
                  + name
                  + "' (expected one of "
                  + Arrays.stream(values()).map(Aggregation::label).toList()
                  + ")");
    };
  }

  /** The name {@link #parse} accepts. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
