package io.trimtab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WideClickDataTest {

  @Test
  void rows_arePureFunctionsOfSeedAndIndex_sortedDistinct_andSpreadOverTheWholeSpace() {
    WideClickData d = new WideClickData(40, 12, 1_000_000, 1.1, 7);
    long[] a = new long[12];
    long[] b = new long[12];
    long max = 0;
    double clicks = 0;
    int rows = 20_000;
    for (long i = 0; i < rows; i++) {
      double la = d.row(i, a);
      double lb = new WideClickData(40, 12, 1_000_000, 1.1, 7).row(i, b);
      assertThat(la).isEqualTo(lb);
      assertThat(a).containsExactly(b);
      for (int j = 0; j < a.length; j++) {
        assertThat(a[j]).isBetween(0L, (1L << 40) - 1);
        if (j > 0) {
          assertThat(a[j]).isGreaterThan(a[j - 1]);
        }
        max = Math.max(max, a[j]);
      }
      clicks += la;
    }
    // indices reach the top of the 2^40 space, not just the int range
    assertThat(max).isGreaterThan(1L << 39);
    // about one row in four to one in three is a click (intercept -1.5, weights N(0, 0.7^2))
    assertThat(clicks / rows).isBetween(0.15, 0.45);
  }

  @Test
  void rankFrequencies_followThePowerLaw() {
    WideClickData d = new WideClickData(30, 1, 1_000_000, 1.1, 3);
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    int[] counts = new int[4];
    int n = 400_000;
    for (int i = 0; i < n; i++) {
      long r = d.rank(rnd.nextDouble());
      if (r < 4) {
        counts[(int) r]++;
      }
    }
    // rank k is x in [k+1, k+2) under the density x^-1.1 on [1, 10^6 + 1), whose normalizer is
    // N = 1 - (10^6 + 1)^-0.1: P(rank 0) = (1 - 2^-0.1) / N = 0.0894 and P(rank 1) = (2^-0.1 -
    // 3^-0.1) / N = 0.0495, each with a standard error of about 0.0005 over 400k draws
    assertThat(counts[0] / (double) n)
        .isCloseTo(0.0894, org.assertj.core.data.Offset.offset(0.003));
    assertThat(counts[1] / (double) n)
        .isCloseTo(0.0495, org.assertj.core.data.Offset.offset(0.003));
    assertThat(counts[2]).isGreaterThan(counts[3]);
  }

  @Test
  void badShapes_areRefusedNamingTheValue() {
    assertThatThrownBy(() -> new WideClickData(63, 10, 1000, 1.1, 1))
        .hasMessage("Invalid feature bits: 63 (expected 4 .. 62)");
    assertThatThrownBy(() -> new WideClickData(30, 10, 1000, 1.0, 1))
        .hasMessage("Invalid Zipf exponent: 1.0 (expected > 0 and not 1)");
  }
}
