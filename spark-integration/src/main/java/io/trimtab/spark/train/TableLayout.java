package io.trimtab.spark.train;

import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a fit stores its model table on the shards: dense (an array over every key, the whole key
 * space paid up front) or sparse (keys stored as pushes first touch them, so memory follows the
 * keys the data use). {@link #AUTO} picks sparse for a large key space the data touch a small part
 * of.
 */
public enum TableLayout {
  /**
   * Sparse above {@link #AUTO_SPARSE_KEYS} keys when nothing needs a dense table and the data touch
   * too few keys for a dense one to be smaller, else dense.
   */
  AUTO,
  DENSE,
  SPARSE;

  /**
   * Keys above which {@link #AUTO} picks a sparse table: 2^24, where a dense table with AdaGrad
   * state takes 256 MiB whatever the data use.
   */
  public static final long AUTO_SPARSE_KEYS = 1L << 24;

  private static final Logger LOG = LoggerFactory.getLogger(TableLayout.class);

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
   * Bytes a sparse table holds per key beyond its doubles: the 8-byte key and 4-byte slot of its
   * index, whose buckets are 1.33 to 2 per key (34 to 46 bytes a key in all with 16 bytes of
   * doubles, measured by benchmarks/run-scale).
   */
  static final int SPARSE_KEY_BYTES = 20;

  /**
   * Whether a fit of {@code keys} keys uses a sparse table. {@link #AUTO} picks sparse above {@link
   * #AUTO_SPARSE_KEYS} keys unless the data fill so much of the key space that a dense table would
   * take fewer bytes ({@code touched} x ({@code doublesPerKey} x 8 + {@link #SPARSE_KEY_BYTES})
   * against {@code keys} x {@code doublesPerKey} x 8: the data touch at least 44% of the keys of a
   * logistic regression with AdaGrad) and fits the shards.
   *
   * @param randomStart whether the model starts from values for every key (a factorization
   *     machine's or a perceptron's random start), which makes a sparse table dense at once
   * @param first the first epoch's setting
   * @param doublesPerKey values and optimizer state of a key
   * @param denseFits whether a dense table of {@code keys} keys fits the first setting's shards
   * @param touched the distinct keys the data touch, asked only when {@link #AUTO} has to look at
   *     the data (it may cut them)
   * @throws IllegalArgumentException if the layout is sparse and the first setting needs a dense
   *     table (range partitioner, driver-tree aggregation)
   */
  boolean sparse(
      long keys,
      boolean randomStart,
      Setting first,
      int doublesPerKey,
      boolean denseFits,
      LongSupplier touched) {
    String dense = needsDense(first);
    if (this == SPARSE && dense != null) {
      throw new IllegalArgumentException(
          "Table layout sparse cannot go with " + first + ": " + dense);
    }
    if (this != AUTO) {
      return this == SPARSE;
    }
    if (keys <= AUTO_SPARSE_KEYS || randomStart || dense != null) {
      return false;
    }
    if (!denseFits) {
      return true;
    }
    double bytesPerKey = 8.0 * doublesPerKey;
    long t = touched.getAsLong();
    boolean sparse = t * (bytesPerKey + SPARSE_KEY_BYTES) < keys * bytesPerKey;
    LOG.info(
        "Trimtab: {} table for {} keys: the data touch about {} of them ({}%)",
        sparse ? "sparse" : "dense", keys, t, String.format(Locale.ROOT, "%.1f", 100.0 * t / keys));
    return sparse;
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
