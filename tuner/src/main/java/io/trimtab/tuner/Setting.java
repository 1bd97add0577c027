package io.trimtab.tuner;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import java.io.Serializable;

/**
 * One point of the space the tuner searches: the knobs a training job can switch between epochs.
 * Validated on construction, so that an impossible combination never reaches a cluster.
 *
 * @param staleness consistency: BSP, SSP(s) or ASP
 * @param aggregation how updates reach the shards
 * @param shards shards the model table is split over, >= 1 (at most the executors; checked at
 *     switch)
 * @param partitioner key partitioner of the model table
 * @param workers worker tasks = data partitions, >= 1
 */
public record Setting(
    StalenessBound staleness,
    Aggregation aggregation,
    int shards,
    PartitionerKind partitioner,
    int workers)
    implements Serializable {

  public Setting {
    if (staleness == null || aggregation == null || partitioner == null) {
      throw new IllegalArgumentException(
          "A setting needs a staleness, an aggregation and a partitioner (got null)");
    }
    if (shards < 1) {
      throw new IllegalArgumentException("Invalid shard count: " + shards + " (must be >= 1)");
    }
    if (workers < 1) {
      throw new IllegalArgumentException(
          "Invalid number of workers: " + workers + " (must be >= 1)");
    }
    if (aggregation == Aggregation.DRIVER_TREE && staleness.mode() != StalenessBound.Mode.BSP) {
      throw new IllegalArgumentException(
          "Driver-side tree aggregation needs BSP (got staleness "
              + staleness
              + "): its one update per clock is a synchronous step");
    }
    if (aggregation == Aggregation.EXECUTOR_COMBINE && !staleness.bounded()) {
      throw new IllegalArgumentException(
          "Executor-local combining needs a bounded staleness, bsp or ssp (got "
              + staleness
              + "): it merges the updates of the tasks running at once in an executor");
    }
  }

  /**
   * The default: BSP, direct pushes, hash partitioner, one shard per executor, one worker per core.
   */
  public static Setting defaults(int executors, int taskSlots) {
    return new Setting(
        StalenessBound.bsp(), Aggregation.DIRECT, executors, PartitionerKind.HASH, taskSlots);
  }

  public Setting withStaleness(StalenessBound s) {
    return new Setting(s, aggregation, shards, partitioner, workers);
  }

  public Setting withAggregation(Aggregation a) {
    return new Setting(staleness, a, shards, partitioner, workers);
  }

  public Setting withShards(int n) {
    return new Setting(staleness, aggregation, n, partitioner, workers);
  }

  public Setting withPartitioner(PartitionerKind p) {
    return new Setting(staleness, aggregation, shards, p, workers);
  }

  public Setting withWorkers(int n) {
    return new Setting(staleness, aggregation, shards, partitioner, n);
  }

  /** Whether moving to {@code next} moves parameters between shards. */
  public boolean layoutDiffers(Setting next) {
    return next.shards != shards || next.partitioner != partitioner;
  }

  /**
   * Parses the compact form of {@link #toString}, e.g. {@code ssp:3/executor-combine/range/2sh/4w}.
   *
   * @throws IllegalArgumentException naming the text and the part that is wrong
   */
  public static Setting parse(String text) {
    String[] p = text == null ? new String[0] : text.trim().split("/");
    if (p.length != 5 || !p[3].endsWith("sh") || !p[4].endsWith("w")) {
      throw new IllegalArgumentException(
          "Invalid setting: '"
              + text
              + "' (expected staleness/aggregation/partitioner/<n>sh/<n>w, e.g. bsp/direct/hash/2sh/4w)");
    }
    try {
      return new Setting(
          StalenessBound.parse(p[0]),
          Aggregation.parse(p[1]),
          Integer.parseInt(p[3].substring(0, p[3].length() - 2)),
          PartitionerKind.parse(p[2]),
          Integer.parseInt(p[4].substring(0, p[4].length() - 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Invalid setting: '" + text + "' (shard and worker counts must be integers)", e);
    }
  }

  /** Compact form for logs and CSV: {@code bsp/direct/hash/2sh/4w}. */
  @Override
  public String toString() {
    return staleness
        + "/"
        + aggregation.label()
        + "/"
        + partitioner.name().toLowerCase(java.util.Locale.ROOT)
        + "/"
        + shards
        + "sh/"
        + workers
        + "w";
  }
}
