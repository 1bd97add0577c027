package io.trimtab.spark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DistinctKeysTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 500, 20_000, 2_000_000})
  void estimatesDistinctKeys_whateverTheRepeatsAndTheSplit(int n) {
    // keys 0 .. n-1 (a model's feature indices) each seen 3 times, spread over 4 workers'
    // sketches, merged
    DistinctKeys[] workers = new DistinctKeys[4];
    for (int w = 0; w < workers.length; w++) {
      workers[w] = new DistinctKeys();
    }
    SplittableRandom rnd = new SplittableRandom(n);
    for (int round = 0; round < 3; round++) {
      for (long k = 0; k < n; k++) {
        workers[rnd.nextInt(workers.length)].add(k);
      }
    }
    DistinctKeys all = workers[0].merge(workers[1]).merge(workers[2]).merge(workers[3]);
    // within 4 standard errors (1.6% each); exact below a few hundred
    assertThat((double) all.estimate()).isCloseTo(n, within(Math.max(1.0, 0.065 * n)));
  }

  @ParameterizedTest
  @ValueSource(longs = {1L << 34, 1L << 62})
  void estimatesKeysSpreadOverWideSpaces(long space) {
    DistinctKeys d = new DistinctKeys();
    new SplittableRandom(3).longs(300_000, 0, space).forEach(d::add);
    assertThat((double) d.estimate()).isCloseTo(300_000, within(0.065 * 300_000));
  }
}
