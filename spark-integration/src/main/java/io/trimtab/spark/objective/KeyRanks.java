package io.trimtab.spark.objective;

/**
 * The distinct keys of a mini-batch's non-zeros, ascending, and each non-zero's rank among them,
 * from one stable LSD radix sort of (key, non-zero) pairs over the key bits that vary (11 bits a
 * pass: a 2^28 space takes 3 passes). A batch of 500k rows has 8M non-zeros over a few million
 * distinct keys; a comparison sort followed by a binary search per non-zero spent two thirds of the
 * data cut in the searches (cache misses over the whole key array, 21 steps each).
 */
final class KeyRanks {
  private static final int BITS = 11;
  private static final int BUCKETS = 1 << BITS;

  private KeyRanks() {}

  /**
   * @param keys every non-zero's key (not modified)
   * @param ranks out: for non-zero i, the index of {@code keys[i]} among the distinct keys
   * @return the distinct keys, ascending
   */
  static long[] of(long[] keys, int[] ranks) {
    int n = keys.length;
    if (n == 0) {
      return new long[0];
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long k : keys) {
      min = Math.min(min, k);
      max = Math.max(max, k);
    }
    // offsets from the smallest key, compared unsigned: any spread of signed keys fits
    int bits = 64 - Long.numberOfLeadingZeros(max - min);
    long[] k = new long[n];
    int[] at = new int[n];
    for (int i = 0; i < n; i++) {
      k[i] = keys[i] - min;
      at[i] = i;
    }
    long[] k2 = new long[n];
    int[] at2 = new int[n];
    int[] count = new int[BUCKETS];
    for (int shift = 0; shift < bits; shift += BITS) {
      java.util.Arrays.fill(count, 0);
      for (int i = 0; i < n; i++) {
        count[(int) (k[i] >>> shift) & (BUCKETS - 1)]++;
      }
      int sum = 0;
      for (int b = 0; b < BUCKETS; b++) {
        int c = count[b];
        count[b] = sum;
        sum += c;
      }
      for (int i = 0; i < n; i++) {
        int to = count[(int) (k[i] >>> shift) & (BUCKETS - 1)]++;
        k2[to] = k[i];
        at2[to] = at[i];
      }
      long[] tk = k;
      k = k2;
      k2 = tk;
      int[] ta = at;
      at = at2;
      at2 = ta;
    }
    // k is sorted; reuse k2 for the distinct keys
    int distinct = 0;
    for (int i = 0; i < n; i++) {
      if (i == 0 || k[i] != k[i - 1]) {
        k2[distinct++] = k[i] + min;
      }
      ranks[at[i]] = distinct - 1;
    }
    return java.util.Arrays.copyOf(k2, distinct);
  }
}
