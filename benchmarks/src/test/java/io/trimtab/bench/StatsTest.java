package io.trimtab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.commons.math3.stat.descriptive.rank.Percentile.EstimationType;
import org.junit.jupiter.api.Test;

class StatsTest {

  /** The hand-written median the benchmarks printed before: sort, middle or mean of the two. */
  private static double handWritten(double... xs) {
    double[] s = xs.clone();
    java.util.Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  @Test
  void median_odd_isTheMiddleValue() {
    assertThat(Stats.median(0.3, 0.1, 0.7)).isEqualTo(0.3);
    assertThat(Stats.median(5, 1, 4, 2, 3)).isEqualTo(3);
    assertThat(Stats.median(2.5)).isEqualTo(2.5);
  }

  @Test
  void median_even_isTheMeanOfTheTwoMiddleValues_bitForBit() {
    assertThat(Stats.median(4, 1, 3, 2)).isEqualTo(2.5);
    // (0.1 + 0.7) / 2 is 0.39999999999999997 in doubles; R_2 computes it just so
    assertThat(Stats.median(0.7, 0.1)).isEqualTo((0.1 + 0.7) / 2).isNotEqualTo(0.4);
    double[] xs = {1.23, 9.87, 0.1, 0.7, 3.3333, 2.2};
    assertThat(Stats.median(xs)).isEqualTo(handWritten(xs));
  }

  @Test
  void median_matchesTheHandWrittenOne_onRandomTimes() {
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    for (int trial = 0; trial < 10_000; trial++) {
      double[] xs = new double[1 + rnd.nextInt(8)];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = rnd.nextDouble() * 100;
      }
      assertThat(Stats.median(xs))
          .as("median of %s", java.util.Arrays.toString(xs))
          .isEqualTo(handWritten(xs));
    }
  }

  @Test
  void otherEstimationTypes_interpolateDifferently() {
    // the reason for R_2: the default (LEGACY) and R_7 give a + 0.5 * (b - a), not (a + b) / 2
    assertThat(new Median().evaluate(new double[] {0.1, 0.7})).isEqualTo(0.4);
    assertThat(
            new Median().withEstimationType(EstimationType.R_7).evaluate(new double[] {0.1, 0.7}))
        .isEqualTo(0.4);
    // on odd counts all three give the middle value
    double[] odd = {0.3, 0.1, 0.7};
    assertThat(new Median().evaluate(odd)).isEqualTo(0.3);
    assertThat(new Median().withEstimationType(EstimationType.R_7).evaluate(odd)).isEqualTo(0.3);
  }

  @Test
  void median_ofNothing_isNaN() {
    assertThat(Stats.median()).isNaN();
    assertThat(Stats.medianReached()).isNaN();
  }

  @Test
  void medianReached_countsNotReachedAsSlowest() {
    double nan = Double.NaN;
    assertThat(Stats.medianReached(3, nan, 1)).isEqualTo(3);
    assertThat(Stats.medianReached(1, 2, 3, nan)).isEqualTo(2.5);
    assertThat(Stats.medianReached(1, nan, nan)).isNaN();
    assertThat(Stats.medianReached(1, 2, nan, nan)).isNaN(); // the upper middle is not reached
    assertThat(Stats.medianReached(nan)).isNaN();
    assertThat(Stats.medianReached(0.7, 0.1)).isEqualTo((0.1 + 0.7) / 2);
  }
}
