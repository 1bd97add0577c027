package io.trimtab.ps.partition;

import io.trimtab.ps.KeyPartitioner;

/**
 * Keys grouped by the shard that owns them, with each key's position in the original order: the one
 * key-slicing step shared by the client (pulls and pushes) and the table mover (imports). Rows of
 * per-key values are gathered into a shard's slice with {@link #gather} and scattered back with
 * {@link #scatter}.
 *
 * <p>Immutable after construction; thread-safe.
 */
public final class KeySlices {
  private final long[][] keys;
  private final int[][] positions;

  private KeySlices(long[][] keys, int[][] positions) {
    this.keys = keys;
    this.positions = positions;
  }

  /** Slices {@code keys} by {@code partitioner}; the keys of each shard keep their order. */
  public static KeySlices of(KeyPartitioner partitioner, long[] keys) {
    int shards = partitioner.numShards();
    if (shards == 1) {
      int[] all = new int[keys.length];
      for (int i = 0; i < all.length; i++) {
        all[i] = i;
      }
      return new KeySlices(new long[][] {keys}, new int[][] {all});
    }
    int[] owner = new int[keys.length];
    int[] counts = new int[shards];
    for (int i = 0; i < keys.length; i++) {
      owner[i] = partitioner.shardOf(keys[i]);
      counts[owner[i]]++;
    }
    long[][] k = new long[shards][];
    int[][] pos = new int[shards][];
    for (int s = 0; s < shards; s++) {
      k[s] = new long[counts[s]];
      pos[s] = new int[counts[s]];
    }
    int[] fill = new int[shards];
    for (int i = 0; i < keys.length; i++) {
      int s = owner[i];
      k[s][fill[s]] = keys[i];
      pos[s][fill[s]++] = i;
    }
    return new KeySlices(k, pos);
  }

  /** Number of shards (slices, some possibly empty). */
  public int shardCount() {
    return keys.length;
  }

  /** The keys of {@code shard}, in their original order (not a copy). */
  public long[] keys(int shard) {
    return keys[shard];
  }

  /**
   * The rows of {@code shard}'s keys from {@code rows} ({@code width} doubles per key, in the
   * original key order); {@code rows} itself when there is one shard.
   */
  public double[] gather(int shard, double[] rows, int width) {
    if (keys.length == 1) {
      return rows;
    }
    int[] pos = positions[shard];
    double[] out = new double[pos.length * width];
    for (int i = 0; i < pos.length; i++) {
      System.arraycopy(rows, pos[i] * width, out, i * width, width);
    }
    return out;
  }

  /**
   * Writes {@code shard}'s rows {@code slice} ({@code width} doubles per key, in slice order) to
   * their keys' places in {@code rows}.
   */
  public void scatter(int shard, double[] slice, double[] rows, int width) {
    scatter(shard, 0, slice, rows, width);
  }

  /**
   * As {@link #scatter(int, double[], double[], int)} for the part of {@code shard}'s keys that
   * starts at its key {@code from} (a pull split in several requests).
   */
  public void scatter(int shard, int from, double[] slice, double[] rows, int width) {
    int[] pos = positions[shard];
    int n = slice.length / width;
    for (int i = 0; i < n; i++) {
      System.arraycopy(slice, i * width, rows, pos[from + i] * width, width);
    }
  }
}
