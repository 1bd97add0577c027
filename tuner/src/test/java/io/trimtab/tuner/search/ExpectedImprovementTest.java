package io.trimtab.tuner.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ExpectedImprovementTest {

  @Test
  void ei_withZeroSdIsThePlainImprovement() {
    assertThat(ExpectedImprovement.of(new Prediction(3, 0), 5, 0)).isEqualTo(2);
    assertThat(ExpectedImprovement.of(new Prediction(3, 0), 5, 0.5)).isEqualTo(1.5);
    assertThat(ExpectedImprovement.of(new Prediction(6, 0), 5, 0)).isZero();
  }

  @Test
  void ei_decreasesAsTheMeanRises() {
    double previous = Double.POSITIVE_INFINITY;
    for (double mean = -3; mean <= 8; mean += 0.25) {
      double ei = ExpectedImprovement.of(new Prediction(mean, 1.5), 2, 0.01);
      assertThat(ei).as("EI at mean %s", mean).isLessThan(previous);
      previous = ei;
    }
  }

  @Test
  void ei_isPositiveWithUncertaintyEvenAboveTheIncumbent() {
    assertThat(ExpectedImprovement.of(new Prediction(10, 2), 5, 0)).isPositive();
    assertThat(ExpectedImprovement.of(new Prediction(5, 1), 5, 0))
        .isGreaterThan(ExpectedImprovement.of(new Prediction(5, 0.5), 5, 0));
  }

  @Test
  void ei_matchesHandComputedValue() {
    // best 1, mean 0.5, sd 0.5, xi 0: z = 1, EI = 0.5 * Phi(1) + 0.5 * phi(1)
    // Phi(1) = 0.8413447460685429, phi(1) = 0.24197072451914337 -> 0.5416577352938431
    assertThat(ExpectedImprovement.of(new Prediction(0.5, 0.5), 1, 0))
        .isCloseTo(0.5416577352938431, within(1e-12));
    // mean = best: z = 0, EI = sd * phi(0) = 2 / sqrt(2 pi)
    assertThat(ExpectedImprovement.of(new Prediction(3, 2), 3, 0))
        .isCloseTo(2 / Math.sqrt(2 * Math.PI), within(1e-12));
  }

  @Test
  void ei_rejectsBadArguments() {
    assertThatThrownBy(() -> ExpectedImprovement.of(new Prediction(0, -1), 0, 0))
        .hasMessage(
            "Invalid prediction: Prediction[mean=0.0, sd=-1.0] (expected a finite mean and a finite sd >= 0)");
    assertThatThrownBy(() -> ExpectedImprovement.of(new Prediction(0, 1), 0, -0.1))
        .hasMessage("Invalid exploration margin xi: -0.1 (must be finite and >= 0)");
    assertThatThrownBy(() -> ExpectedImprovement.of(new Prediction(0, 1), Double.NaN, 0))
        .hasMessage("Invalid incumbent: NaN (must be finite)");
  }
}
