package io.trimtab.tuner.progress;

import static io.trimtab.tuner.progress.SyntheticCurves.relativeError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trimtab.tuner.progress.OptimusModel.OptimusFit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProgressEstimatorTest {

  private static final ProgressEstimator ESTIMATOR = ProgressEstimator.standard();

  // paper: k(l) = (50 / l) ln(1 / l) + 10, every 5 iterations from 10 to 210
  private static final double[] PAPER_K = SyntheticCurves.iterations(10, 5, 41);
  // optimus: l(k) = 1 / (0.02 (k - 100) + 1) + 0.1, every 5 iterations from 100 to 400
  private static final double[] OPTIMUS_K = SyntheticCurves.iterations(100, 5, 61);

  @Test
  void standard_holdsPaperThenOptimus() {
    assertThat(ESTIMATOR.models())
        .extracting(ProgressModel::name)
        .containsExactly("paper", "optimus");
  }

  @Test
  void estimate_targetLoss_withEachGeneratingModel() {
    double[] paper = SyntheticCurves.paper(PAPER_K, 50, 1, 10);
    Estimate p = ESTIMATOR.estimate(PAPER_K, paper, Target.loss(0.2), "paper").orElseThrow();
    // k(0.2) = 250 ln 5 + 10 = 412.36, 202.36 after the last point; noise-free: within 2%
    assertThat(relativeError(p.remainingIterations(), 250 * Math.log(5) + 10 - 210))
        .isLessThan(0.02);
    assertThat(p.model()).isEqualTo("paper");
    assertThat(p.targetLoss()).isEqualTo(0.2);

    double[] optimus = SyntheticCurves.optimus(OPTIMUS_K, 0.02, 1, 0.1, 100);
    Estimate o = ESTIMATOR.estimate(OPTIMUS_K, optimus, Target.loss(0.2), "optimus").orElseThrow();
    // (1 / 0.1 - 1) / 0.02 = 450 after k0 = 100, 150 after the last point
    assertThat(relativeError(o.remainingIterations(), 150)).isLessThan(0.02);

    // a target already passed needs no more iterations; one at or below the asymptote is never
    // reached
    assertThat(
            ESTIMATOR
                .estimate(OPTIMUS_K, optimus, Target.loss(0.5), "optimus")
                .orElseThrow()
                .remainingIterations())
        .isZero();
    assertThat(
            ESTIMATOR
                .estimate(OPTIMUS_K, optimus, Target.loss(0.09), "optimus")
                .orElseThrow()
                .remainingIterations())
        .isInfinite();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void heldOut_picksTheGeneratingModel(long seed) {
    double[] paper = SyntheticCurves.noisy(SyntheticCurves.paper(PAPER_K, 50, 1, 10), 0.01, seed);
    Map<String, Double> paperErrors = ESTIMATOR.heldOutErrors(PAPER_K, paper, 0.25);
    assertThat(paperErrors.get("paper")).isLessThan(paperErrors.get("optimus"));
    assertThat(ESTIMATOR.estimate(PAPER_K, paper, Target.loss(0.2)).orElseThrow().model())
        .isEqualTo("paper");

    double[] optimus =
        SyntheticCurves.noisy(SyntheticCurves.optimus(OPTIMUS_K, 0.02, 1, 0.1, 100), 0.01, seed);
    Map<String, Double> optimusErrors = ESTIMATOR.heldOutErrors(OPTIMUS_K, optimus, 0.25);
    assertThat(optimusErrors.get("optimus")).isLessThan(optimusErrors.get("paper"));
    assertThat(ESTIMATOR.estimate(OPTIMUS_K, optimus, Target.loss(0.2)).orElseThrow().model())
        .isEqualTo("optimus");
  }

  @Test
  void heldOut_tooFewTrainingPoints_isNaNAndSelectionFallsBack() {
    double[] k = {1, 2, 3, 4};
    double[] l = {1.0, 0.6, 0.45, 0.38};
    assertThat(ESTIMATOR.heldOutErrors(k, l, 0.25))
        .containsOnlyKeys("paper", "optimus")
        .allSatisfy((name, error) -> assertThat(error).isNaN());
    // 4 points fit on their own: the first model in order that fits is used
    assertThat(ESTIMATOR.estimate(k, l, Target.loss(0.3)).orElseThrow().model()).isEqualTo("paper");
    assertThat(
            ESTIMATOR.estimate(
                new double[] {1, 2, 3}, new double[] {1, 0.6, 0.45}, Target.loss(0.3)))
        .isEmpty();
  }

  @Test
  void convergence_optimusSearchMatchesClosedForm() {
    double b0 = 0.02;
    double b1 = 1;
    double b2 = 0.1;
    double theta = 1e-3;
    int window = 10;
    double[] losses = SyntheticCurves.optimus(OPTIMUS_K, b0, b1, b2, 100);
    Estimate e =
        ESTIMATOR
            .estimate(OPTIMUS_K, losses, Target.convergence(theta, window), "optimus")
            .orElseThrow();
    OptimusFit fit = (OptimusFit) e.fit();

    // closed form: with A = b0 t + b1 the relative improvement over w iterations is
    // b0 w / (A (1 + b2 (A - b0 w))); it equals theta at the positive root of
    // theta b2 A^2 + theta (1 - b2 b0 w) A - b0 w = 0. True parameters: 1e-4 A^2 + 9.8e-4 A - 0.2 =
    // 0,
    // A = 40.089, t = 1954.45, k = 2054.45.
    double trueK = 100 + (closedFormA(b0, b2, theta, window) - b1) / b0;
    assertThat(trueK).isCloseTo(2054.45, within(0.01));
    double fittedK =
        fit.k0() + (closedFormA(fit.b0(), fit.b2(), theta, window) - fit.b1()) / fit.b0();
    double found = 400 + e.remainingIterations();
    // the search returns the first whole iteration past the crossing
    assertThat(found).isEqualTo(400 + Math.ceil(fittedK - 400));
    assertThat(relativeError(found, trueK)).isLessThan(0.01);
    assertThat(e.targetLoss()).isEqualTo(fit.lossAt(found));
    double before = fit.lossAt(found - 1 - window);
    assertThat((before - fit.lossAt(found - 1)) / before).isGreaterThanOrEqualTo(theta);
  }

  private static double closedFormA(double b0, double b2, double theta, int w) {
    double b = theta * (1 - b2 * b0 * w);
    return (-b + Math.sqrt(b * b + 4 * theta * b2 * b0 * w)) / (2 * theta * b2);
  }

  @Test
  void convergence_alreadyConvergedOrNever() {
    double[] losses = SyntheticCurves.optimus(OPTIMUS_K, 0.02, 1, 0.1, 100);
    // at k = 400 the improvement over 10 iterations is about 3%: converged for a 5% threshold
    assertThat(
            ESTIMATOR
                .estimate(OPTIMUS_K, losses, Target.convergence(0.05, 10), "optimus")
                .orElseThrow()
                .remainingIterations())
        .isZero();
    // the paper curve decays like ln(k)/k: an improvement threshold of 1e-12 per iteration is
    // beyond the 1e9-iteration horizon
    double[] paper = SyntheticCurves.paper(PAPER_K, 50, 1, 10);
    Estimate never =
        ESTIMATOR.estimate(PAPER_K, paper, Target.convergence(1e-12, 1), "paper").orElseThrow();
    assertThat(never.remainingIterations()).isInfinite();
    assertThat(never.targetLoss()).isPositive().isLessThan(paper[paper.length - 1]);
  }

  @Test
  void invalidCurves_areRejectedNamingIndexAndValue() {
    double[] k = {1, 2, 3, 4};
    assertThatThrownBy(() -> ESTIMATOR.estimate(k, new double[] {1, 0.5, 0.4}, Target.loss(0.1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Iterations and losses differ in length: 4 iterations vs 3 losses (must be equal)");
    assertThatThrownBy(
            () ->
                ESTIMATOR.estimate(
                    new double[] {1, 2, 2, 4}, new double[] {1, .5, .4, .3}, Target.loss(.1)))
        .hasMessage("Invalid iteration at index 2: 2.0 (must be > the previous iteration 2.0)");
    assertThatThrownBy(() -> ESTIMATOR.heldOutErrors(k, new double[] {1, Double.NaN, .4, .3}, 0.25))
        .hasMessage("Invalid loss at index 1: NaN (must be a finite number > 0)");
    assertThatThrownBy(
            () ->
                ESTIMATOR.estimate(
                    k, new double[] {1, .5, Double.POSITIVE_INFINITY, .3}, Target.loss(.1)))
        .hasMessage("Invalid loss at index 2: Infinity (must be a finite number > 0)");
    assertThatThrownBy(
            () -> ESTIMATOR.estimate(k, new double[] {1, .5, .4, 0}, Target.loss(.1), "paper"))
        .hasMessage("Invalid loss at index 3: 0.0 (must be a finite number > 0)");
    assertThatThrownBy(
            () ->
                new PaperModel()
                    .fit(new double[] {1, Double.NaN, 3, 4}, new double[] {1, .5, .4, .3}))
        .hasMessage("Invalid iteration at index 1: NaN (must be finite)");
    assertThatThrownBy(() -> ESTIMATOR.heldOutErrors(k, new double[] {1, .5, .4, .3}, 1))
        .hasMessage("Invalid holdout fraction: 1.0 (must be in (0, 1))");
    assertThatThrownBy(
            () -> ESTIMATOR.estimate(k, new double[] {1, .5, .4, .3}, Target.loss(.1), "gp"))
        .hasMessage("Unknown progress model: 'gp' (expected one of [paper, optimus])");
    assertThatThrownBy(
            () -> new ProgressEstimator(List.of(ProgressModel.paper(), ProgressModel.paper())))
        .hasMessage("Duplicate progress model name: 'paper' (must be unique)");
  }
}
