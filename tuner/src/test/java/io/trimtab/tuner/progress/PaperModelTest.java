package io.trimtab.tuner.progress;

import static io.trimtab.tuner.progress.SyntheticCurves.relativeError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trimtab.tuner.progress.PaperModel.PaperFit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PaperModelTest {

  // k(l) = (50 / l) ln(1 / l) + 10, observed every 5 iterations from 10 to 210 (loss 1 -> ~0.31)
  private static final double H = 50;
  private static final double D = 1.0;
  private static final double J0 = 10;
  private static final double[] K = SyntheticCurves.iterations(J0, 5, 41);
  private static final double TARGET = 0.2;
  // k(0.2) = 250 ln 5 + 10 = 412.36; the last observed iteration is 210
  private static final double TRUE_REMAINING = H / TARGET * Math.log(D / TARGET) + J0 - 210;

  private static PaperFit fit(ProgressModel model, double[] losses) {
    return (PaperFit) model.fit(K, losses).orElseThrow();
  }

  @Test
  void paper_syntheticCurve_recoversH() {
    PaperFit fit = fit(new PaperModel(), SyntheticCurves.paper(K, H, D, J0));

    // noise-free: within 2% (in practice exact to rounding)
    assertThat(relativeError(fit.h(), H)).isLessThan(0.02);
    assertThat(fit.d()).isEqualTo(D);
    assertThat(fit.j0()).isEqualTo(J0);
    assertThat(fit.outliersDropped()).isZero();
    assertThat(fit.rmse()).isLessThan(1e-9);
    assertThat(relativeError(fit.iterationAt(TARGET) - 210, TRUE_REMAINING)).isLessThan(0.02);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void paper_noisyCurve_recoversHWithinTenPercent(long seed) {
    double[] losses = SyntheticCurves.noisy(SyntheticCurves.paper(K, H, D, J0), 0.01, seed);
    PaperFit fit = fit(new PaperModel(), losses);

    // 1% multiplicative noise: h and the remaining iterations to 0.2 within 10% (measured: <= 3.2%)
    assertThat(relativeError(fit.h(), H)).isLessThan(0.10);
    assertThat(relativeError(fit.iterationAt(TARGET) - 210, TRUE_REMAINING)).isLessThan(0.10);
  }

  @Test
  void paper_lossAt_invertsIterationAt() {
    PaperFit fit = new PaperFit(H, D, J0, 0, 0);
    for (double loss : new double[] {0.9, 0.5, 0.2, 0.01, 1e-4}) {
      assertThat(fit.lossAt(fit.iterationAt(loss))).isCloseTo(loss, within(loss * 1e-9));
    }
    assertThat(fit.lossAt(J0 - 3)).isEqualTo(D);
    assertThat(fit.iterationAt(2 * D)).isEqualTo(J0);
    // a loss below the start is reached strictly later, and lower losses later still
    assertThat(fit.iterationAt(0.5)).isGreaterThan(J0).isLessThan(fit.iterationAt(0.4));
  }

  @Test
  void paper_unreachableTargets_areInfinite() {
    assertThat(new PaperFit(H, D, J0, 0, 0).iterationAt(0)).isInfinite();
    assertThat(new PaperFit(H, D, J0, 0, 0).iterationAt(-1)).isInfinite();
    assertThat(new PaperFit(-5, D, J0, 0, 0).iterationAt(0.5)).isInfinite();
    assertThat(new PaperFit(-5, D, J0, 0, 0).lossAt(1e6)).isEqualTo(D);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void paper_outliers_areDroppedAndMadRejectionHelps(long seed) {
    double[] clean = SyntheticCurves.noisy(SyntheticCurves.paper(K, H, D, J0), 0.01, seed);
    // five 3x spikes; the one at iteration 40 (loss ~0.75 -> ~2.2) is above the first loss, so
    // without rejection it becomes d (measured: h off by ~40%, remaining iterations by ~30%)
    double[] spiked = SyntheticCurves.spiked(clean, 3, 6, 13, 20, 27, 34);

    PaperFit robust = fit(new PaperModel(), spiked);
    PaperFit plain = fit(new PaperModel(Double.POSITIVE_INFINITY), spiked);

    assertThat(robust.outliersDropped()).isGreaterThanOrEqualTo(5);
    assertThat(plain.outliersDropped()).isZero();
    double robustError = relativeError(robust.iterationAt(TARGET) - 210, TRUE_REMAINING);
    double plainError = relativeError(plain.iterationAt(TARGET) - 210, TRUE_REMAINING);
    assertThat(relativeError(robust.h(), H)).isLessThan(0.10);
    assertThat(robustError).isLessThan(0.10);
    assertThat(plainError).isGreaterThan(2 * robustError).isGreaterThan(0.10);
  }

  @Test
  void paper_cannotFit_tooFewPointsOrNoDecrease() {
    assertThat(new PaperModel().fit(new double[] {1, 2, 3}, new double[] {3, 2, 1})).isEmpty();
    assertThat(new PaperModel().fit(new double[] {1, 2, 3, 4}, new double[] {2, 2, 2, 2}))
        .isEmpty();
    assertThat(new PaperModel().fit(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1.5}))
        .isPresent();
  }

  @Test
  void paper_invalidCutoff_isRejected() {
    assertThatThrownBy(() -> new PaperModel(0))
        .hasMessage("Invalid MAD cutoff: 0.0 (must be > 0, or infinity to keep every point)");
  }
}
