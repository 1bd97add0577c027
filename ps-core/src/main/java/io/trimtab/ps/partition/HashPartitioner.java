package io.trimtab.ps.partition;

import io.trimtab.ps.KeyPartitioner;

/**
 * Spark's hash partitioning rule on 64-bit keys: shard = floorMod(Long.hashCode(key), n). Dense
 * keys are below 2^31, where Long.hashCode(k) == k, so a dense key k lives on shard k mod n at
 * local index k / n: consecutive keys are spread round-robin and every shard stores a flat array.
 * Sparse keys (hashed features) are already well mixed.
 */
public final class HashPartitioner implements KeyPartitioner {
  private static final long serialVersionUID = 1L;
  private final int numShards;

  public HashPartitioner(int numShards) {
    if (numShards < 1) {
      throw new IllegalArgumentException("Invalid shard count: " + numShards + " (must be >= 1)");
    }
    this.numShards = numShards;
  }

  @Override
  public int numShards() {
    return numShards;
  }

  @Override
  public int shardOf(long key) {
    return Math.floorMod(Long.hashCode(key), numShards);
  }

  @Override
  public long denseLocalIndex(long key) {
    return key / numShards;
  }

  @Override
  public long denseKey(int shard, long localIndex) {
    return localIndex * numShards + shard;
  }

  @Override
  public long denseShardSize(int shard, long dimension) {
    if (shard >= dimension) {
      return 0;
    }
    return (dimension - 1 - shard) / numShards + 1;
  }

  @Override
  public String name() {
    return Partitioners.HASH;
  }

  /** The shard count. */
  @Override
  public long[] params() {
    return new long[] {numShards};
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HashPartitioner h && h.numShards == numShards;
  }

  @Override
  public int hashCode() {
    return numShards;
  }

  @Override
  public String toString() {
    return "hash(" + numShards + ")";
  }
}
