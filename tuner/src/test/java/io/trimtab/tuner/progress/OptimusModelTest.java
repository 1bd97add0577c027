package io.trimtab.tuner.progress;

import static io.trimtab.tuner.progress.SyntheticCurves.relativeError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trimtab.tuner.progress.OptimusModel.OptimusFit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptimusModelTest {

  // l(k) = 1 / (0.02 (k - 100) + 1) + 0.1, observed every 5 iterations from 100 to 400 (1.1 ->
  // 0.243)
  private static final double B0 = 0.02;
  private static final double B1 = 1.0;
  private static final double B2 = 0.1;
  private static final double K0 = 100;
  private static final double[] K = SyntheticCurves.iterations(K0, 5, 61);
  private static final double TARGET = 0.2;
  // (1 / (0.2 - 0.1) - 1) / 0.02 = 450 iterations after 100, i.e. 150 after the last one (400)
  private static final double TRUE_REMAINING = (1 / (TARGET - B2) - B1) / B0 + K0 - 400;

  private static OptimusFit fit(ProgressModel model, double[] losses) {
    return (OptimusFit) model.fit(K, losses).orElseThrow();
  }

  @Test
  void optimus_syntheticCurve_recoversParameters() {
    OptimusFit fit = fit(new OptimusModel(), SyntheticCurves.optimus(K, B0, B1, B2, K0));

    // noise-free: all three within 2%
    assertThat(relativeError(fit.b0(), B0)).isLessThan(0.02);
    assertThat(relativeError(fit.b1(), B1)).isLessThan(0.02);
    assertThat(relativeError(fit.b2(), B2)).isLessThan(0.02);
    assertThat(fit.k0()).isEqualTo(K0);
    assertThat(fit.outliersDropped()).isZero();
    assertThat(relativeError(fit.iterationAt(TARGET) - 400, TRUE_REMAINING)).isLessThan(0.02);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void optimus_noisyCurve_recoversParametersWithinTenPercent(long seed) {
    double[] losses = SyntheticCurves.noisy(SyntheticCurves.optimus(K, B0, B1, B2, K0), 0.01, seed);
    OptimusFit fit = fit(new OptimusModel(), losses);

    // 1% multiplicative noise: parameters and the remaining iterations to 0.2 within 10%
    // (measured over these seeds: b0 <= 3.1%, b1 <= 1%, b2 <= 4.9%, remaining <= 7.4%)
    assertThat(relativeError(fit.b0(), B0)).isLessThan(0.10);
    assertThat(relativeError(fit.b1(), B1)).isLessThan(0.10);
    assertThat(relativeError(fit.b2(), B2)).isLessThan(0.10);
    assertThat(relativeError(fit.iterationAt(TARGET) - 400, TRUE_REMAINING)).isLessThan(0.10);
  }

  @Test
  void optimus_iterationAt_isTheClosedFormAndInfiniteAtOrBelowTheAsymptote() {
    OptimusFit fit = new OptimusFit(B0, B1, B2, K0, 0, 0);
    assertThat(fit.iterationAt(TARGET)).isEqualTo(550.0);
    assertThat(fit.lossAt(550)).isCloseTo(TARGET, within(1e-12));
    assertThat(fit.iterationAt(B2)).isInfinite();
    assertThat(fit.iterationAt(0.05)).isInfinite();
    // a target above the starting loss is reached at the start
    assertThat(fit.iterationAt(5)).isEqualTo(K0);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void optimus_outliers_areDroppedAndMadRejectionHelps(long seed) {
    // five 3x spikes (measured without rejection: remaining iterations off by 15-18%; with: <=
    // 7.4%)
    double[] clean = SyntheticCurves.noisy(SyntheticCurves.optimus(K, B0, B1, B2, K0), 0.01, seed);
    double[] spiked = SyntheticCurves.spiked(clean, 3, 10, 20, 30, 40, 50);

    OptimusFit robust = fit(new OptimusModel(), spiked);
    OptimusFit plain = fit(new OptimusModel(Double.POSITIVE_INFINITY), spiked);

    assertThat(robust.outliersDropped()).isGreaterThanOrEqualTo(5);
    assertThat(plain.outliersDropped()).isZero();
    double robustError = relativeError(robust.iterationAt(TARGET) - 400, TRUE_REMAINING);
    double plainError = relativeError(plain.iterationAt(TARGET) - 400, TRUE_REMAINING);
    assertThat(robustError).isLessThan(0.10);
    assertThat(plainError).isGreaterThan(robustError).isGreaterThan(0.10);
  }

  @Test
  void optimus_cannotFit_tooFewPoints() {
    assertThat(new OptimusModel().fit(new double[] {1, 2, 3}, new double[] {3, 2, 1})).isEmpty();
  }
}
