package io.trimtab.ps.partition;

import io.trimtab.ps.KeyPartitioner;
import java.util.Arrays;

/**
 * Contiguous key ranges: shard i owns keys in {@code [starts[i], starts[i+1])} (the last shard up
 * to {@code Long.MAX_VALUE} inclusive, the first from {@code Long.MIN_VALUE} for keys below {@code
 * starts[0]}). Lookup is a binary search over the shard starts.
 */
public final class RangePartitioner implements KeyPartitioner {
  private static final long serialVersionUID = 1L;
  private final long[] starts;

  /**
   * @param starts strictly increasing first keys of each shard, at least one
   */
  public RangePartitioner(long[] starts) {
    if (starts == null || starts.length == 0) {
      throw new IllegalArgumentException("Range partitioner needs at least one shard start");
    }
    for (int i = 1; i < starts.length; i++) {
      if (starts[i] <= starts[i - 1]) {
        throw new IllegalArgumentException(
            "Range partitioner starts must increase strictly, got " + Arrays.toString(starts));
      }
    }
    this.starts = starts.clone();
  }

  /** Splits {@code [0, dimension)} into {@code n} ranges whose sizes differ by at most one. */
  public static RangePartitioner evenDense(int n, long dimension) {
    if (n < 1 || n > dimension) {
      throw new IllegalArgumentException(
          "Invalid shard count for a dense table of dimension "
              + dimension
              + ": "
              + n
              + " (must be 1 .. dimension)");
    }
    long[] s = new long[n];
    for (int i = 0; i < n; i++) {
      s[i] = dimension * i / n;
    }
    return new RangePartitioner(s);
  }

  /** Splits the whole signed 64-bit key space into {@code n} equal ranges. */
  public static RangePartitioner evenFullRange(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Invalid shard count: " + n + " (must be >= 1)");
    }
    long[] s = new long[n];
    // unsigned step over 2^64 keys, starting at Long.MIN_VALUE
    long step = Long.divideUnsigned(-1L, n);
    for (int i = 0; i < n; i++) {
      s[i] = Long.MIN_VALUE + step * i;
    }
    return new RangePartitioner(s);
  }

  @Override
  public int numShards() {
    return starts.length;
  }

  @Override
  public int shardOf(long key) {
    int i = Arrays.binarySearch(starts, key);
    if (i >= 0) {
      return i;
    }
    int insertion = -i - 1;
    return insertion == 0 ? 0 : insertion - 1;
  }

  @Override
  public long denseLocalIndex(long key) {
    return key - starts[shardOf(key)];
  }

  @Override
  public long denseKey(int shard, long localIndex) {
    return starts[shard] + localIndex;
  }

  @Override
  public long denseShardSize(int shard, long dimension) {
    long lo = Math.max(0, starts[shard]);
    long hi = shard + 1 < starts.length ? Math.min(starts[shard + 1], dimension) : dimension;
    return Math.max(0, hi - lo);
  }

  @Override
  public String name() {
    return Partitioners.RANGE;
  }

  /** The shard starts. */
  @Override
  public long[] params() {
    return starts.clone();
  }

  /** First key of each shard (a copy). */
  public long[] starts() {
    return starts.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RangePartitioner r && Arrays.equals(r.starts, starts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(starts);
  }

  @Override
  public String toString() {
    return "range" + Arrays.toString(starts);
  }
}
