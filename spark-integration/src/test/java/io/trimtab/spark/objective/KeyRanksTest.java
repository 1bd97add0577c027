package io.trimtab.spark.objective;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyRanksTest {

  /** The definition: sort, drop repeats, search each key. */
  private static long[] byComparison(long[] keys, int[] ranks) {
    long[] d = Arrays.stream(keys).sorted().distinct().toArray();
    for (int i = 0; i < keys.length; i++) {
      ranks[i] = Arrays.binarySearch(d, keys[i]);
    }
    return d;
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void sameKeysAndRanksAsSortAndSearch(int kind) {
    SplittableRandom rnd = new SplittableRandom(kind);
    long[] keys =
        switch (kind) {
          case 0 -> new long[0];
          case 1 -> new long[] {42};
          // a 2^28 hashed space with repeats, as a mini-batch of clicks
          case 2 -> rnd.longs(200_000, 0, 1L << 28).map(k -> k % 50_000 == 0 ? 7 : k).toArray();
          // the whole signed range, both ends included
          case 3 ->
              rnd.longs(100_000)
                  .map(k -> k % 11 == 0 ? Long.MIN_VALUE : k % 13 == 0 ? Long.MAX_VALUE : k)
                  .toArray();
          // keys near 2^63 - 2 (64-bit indices) and a model's extra keys above
          case 4 -> rnd.longs(50_000, Long.MAX_VALUE - 1000, Long.MAX_VALUE).toArray();
          // all equal
          default -> new long[1000];
        };
    long[] copy = keys.clone();
    int[] ranks = new int[keys.length];
    int[] expectedRanks = new int[keys.length];
    long[] distinct = KeyRanks.of(keys, ranks);
    long[] expected = byComparison(keys, expectedRanks);
    assertThat(Arrays.mismatch(distinct, expected)).isEqualTo(-1);
    assertThat(Arrays.mismatch(ranks, expectedRanks)).isEqualTo(-1);
    assertThat(Arrays.mismatch(keys, copy)).isEqualTo(-1);
  }
}
