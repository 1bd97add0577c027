package io.trimtab.spark.train;

import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.util.Locale;

/**
 * How a fit stores its model table on the shards: dense (an array over every key, the whole key
 * space paid up front) or sparse (keys stored as pushes first touch them, so memory follows the
 * keys the data use). {@link #AUTO} picks sparse for a large key space.
 */
public enum TableLayout {
  /** Sparse above {@link #AUTO_SPARSE_KEYS} keys when nothing needs a dense table, else dense. */
  AUTO,
  DENSE,
  SPARSE;

  /**
   * Keys above which {@link #AUTO} picks a sparse table: 2^24, where a dense table with AdaGrad
   * state takes 256 MiB whatever the data use.
   */
  public static final long AUTO_SPARSE_KEYS = 1L << 24;

  /**
   * Parses "auto", "dense" or "sparse" (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static TableLayout parse(String name) {
    String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
    for (TableLayout l : values()) {
      if (l.name().equals(n)) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "Unknown table layout: '" + name + "' (expected auto, dense or sparse)");
  }

  /**
   * Whether a fit of {@code keys} keys uses a sparse table.
   *
   * @param randomStart whether the model starts from values for every key (a factorization
   *     machine's or a perceptron's random start), which makes a sparse table dense at once
   * @param first the first epoch's setting
   * @throws IllegalArgumentException if the layout is sparse and the first setting needs a dense
   *     table (range partitioner, driver-tree aggregation)
   */
  boolean sparse(long keys, boolean randomStart, Setting first) {
    String dense = needsDense(first);
    if (this == SPARSE && dense != null) {
      throw new IllegalArgumentException(
          "Table layout sparse cannot go with " + first + ": " + dense);
    }
    return this == SPARSE
        || (this == AUTO && keys > AUTO_SPARSE_KEYS && !randomStart && dense == null);
  }

  /** Why {@code s} needs a dense table, or null if it does not. */
  static String needsDense(Setting s) {
    if (s.partitioner() == PartitionerKind.RANGE) {
      return "the range partitioner splits a sparse table's whole 64-bit key space, so a model's "
          + "keys [0, n) would all land on its first shard (expected partitioner hash)";
    }
    if (s.aggregation() == Aggregation.DRIVER_TREE) {
      return "driver-tree sums gradients that are dense over every key (expected aggregation "
          + "direct or executor-combine)";
    }
    return null;
  }
}
