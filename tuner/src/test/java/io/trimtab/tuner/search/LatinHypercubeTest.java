package io.trimtab.tuner.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LatinHypercubeTest {

  @Test
  void lhs_putsExactlyOnePointInEachIntervalOfEveryDimension() {
    for (int n : new int[] {1, 2, 7, 50}) {
      double[][] s = LatinHypercube.sample(n, 4, n * 31L);
      assertThat(s).hasNumberOfRows(n);
      for (int k = 0; k < 4; k++) {
        boolean[] hit = new boolean[n];
        for (double[] p : s) {
          assertThat(p).hasSize(4);
          assertThat(p[k]).isGreaterThanOrEqualTo(0).isLessThan(1);
          int interval = (int) Math.floor(p[k] * n);
          assertThat(hit[interval])
              .as("n=%d dim %d interval %d hit twice", n, k, interval)
              .isFalse();
          hit[interval] = true;
        }
      }
    }
  }

  @Test
  void lhs_isDeterministicPerSeed() {
    assertThat(LatinHypercube.sample(10, 3, 5)).isDeepEqualTo(LatinHypercube.sample(10, 3, 5));
    assertThat(LatinHypercube.sample(10, 3, 5)[0]).isNotEqualTo(LatinHypercube.sample(10, 3, 6)[0]);
  }

  @Test
  void lhs_rejectsBadArguments() {
    assertThatThrownBy(() -> LatinHypercube.sample(0, 2, 1))
        .hasMessage("Invalid number of points: 0 (must be >= 1)");
    assertThatThrownBy(() -> LatinHypercube.sample(3, -1, 1))
        .hasMessage("Invalid number of dimensions: -1 (must be >= 1)");
  }
}
