package io.trimtab.tuner.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.junit.jupiter.api.Test;

/**
 * Ranking static settings by predicted time to a target loss, from a prefix of each setting's REAL
 * recorded curve (test resources curves/grid-click.csv and grid-spam.csv, written by
 * benchmarks/run-grid): predicted time = elapsed time of the prefix + estimated remaining epochs x
 * the prefix's mean epoch time; settings the estimator cannot fit, and settings that never reached
 * the target in the recording, count as slowest (+infinity).
 *
 * <p>Each run prints: Spearman rank correlation between predicted and true times, whether the
 * predicted fastest setting is the truly fastest, its true time relative to the true best, and the
 * same figures for a baseline that ranks by mean epoch time alone (no curve model).
 */
class RecordedCurvesRankingTest {

  private static final ProgressEstimator ESTIMATOR = ProgressEstimator.standard();
  private static final double TOP1_TOLERANCE = 1.10;

  /** One ranking run. */
  record Ranking(
      String label,
      int settings,
      int fitted,
      int reachedInPrefix,
      int unreached,
      double spearman,
      boolean top1Exact,
      double top1Ratio,
      double baselineSpearman,
      double baselineTop1Ratio) {

    boolean top1WithinTolerance() {
      return top1Ratio <= TOP1_TOLERANCE;
    }

    @Override
    public String toString() {
      return String.format(
          "%-40s settings %d fitted %d reached-in-prefix %d never-reached %d | spearman %.3f"
              + " top1 %s (true time %.3fx best) | baseline (epoch time only) spearman %.3f top1 %.3fx best",
          label,
          settings,
          fitted,
          reachedInPrefix,
          unreached,
          spearman,
          top1Exact ? "exact" : "missed",
          top1Ratio,
          baselineSpearman,
          baselineTop1Ratio);
    }
  }

  /**
   * @param target the target loss; the summary's target uses the summary's time_to_target as truth,
   *     any other the first recorded epoch at or below it
   * @param model a model name, or null for held-out selection
   */
  static Ranking rank(RecordedGrid grid, double target, int prefix, String model) {
    List<RecordedGrid.Curve> curves = new ArrayList<>(grid.curves().values());
    int n = curves.size();
    double[] predicted = new double[n];
    double[] baseline = new double[n];
    double[] truth = new double[n];
    int fitted = 0;
    int reachedInPrefix = 0;
    for (int i = 0; i < n; i++) {
      RecordedGrid.Curve c = curves.get(i);
      truth[i] = target == grid.targetLoss() ? c.timeToTarget() : c.timeTo(target);
      int p = Math.min(prefix, c.epochs().length);
      double[] epochs = Arrays.copyOf(c.epochs(), p);
      double[] losses = Arrays.copyOf(c.losses(), p);
      double epochSeconds = Arrays.stream(c.epochSeconds()).limit(p).average().orElseThrow();
      double elapsed = c.elapsedSeconds()[p - 1];
      Optional<Estimate> estimate =
          model == null
              ? ESTIMATOR.estimate(epochs, losses, Target.loss(target))
              : ESTIMATOR.estimate(epochs, losses, Target.loss(target), model);
      predicted[i] =
          estimate
              .map(e -> elapsed + e.remainingIterations() * epochSeconds)
              .orElse(Double.POSITIVE_INFINITY);
      baseline[i] = epochSeconds;
      fitted += estimate.isPresent() ? 1 : 0;
      reachedInPrefix += Arrays.stream(losses).anyMatch(l -> l <= target) ? 1 : 0;
    }
    int unreached = (int) Arrays.stream(truth).filter(Double::isInfinite).count();
    String label =
        String.format(
            "%s target %.4g prefix %d %s",
            grid.workload(), target, prefix, model == null ? "held-out" : model);
    Ranking ranking =
        new Ranking(
            label,
            n,
            fitted,
            reachedInPrefix,
            unreached,
            spearman(predicted, truth),
            argmin(predicted) == argmin(truth),
            truth[argmin(predicted)] / truth[argmin(truth)],
            spearman(baseline, truth),
            truth[argmin(baseline)] / truth[argmin(truth)]);
    System.out.println(ranking);
    return ranking;
  }

  /** Spearman's rho; NaN when one side is constant (e.g. every prediction infinite). */
  private static double spearman(double[] a, double[] b) {
    return new SpearmansCorrelation().correlation(a, b);
  }

  private static int argmin(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] < values[best]) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void ranking_summaryTarget_fromTheFirstEpochs() {
    List<Ranking> runs = new ArrayList<>();
    for (String workload : List.of("click", "spam")) {
      RecordedGrid grid = RecordedGrid.load(workload);
      for (int prefix : new int[] {4, 5, 6}) {
        runs.add(rank(grid, grid.targetLoss(), prefix, null));
      }
    }
    long exact = runs.stream().filter(Ranking::top1Exact).count();
    long within = runs.stream().filter(Ranking::top1WithinTolerance).count();
    double minRho = runs.stream().mapToDouble(Ranking::spearman).min().orElseThrow();
    System.out.printf(
        "summary targets: predicted fastest is the truly fastest in %d of %d runs, within 10%% of the"
            + " true best in %d of %d; smallest Spearman rho %.3f%n",
        exact, runs.size(), within, runs.size(), minRho);

    // Measured: click rho 0.989 / 0.990 / 0.988 (prefix 4 / 5 / 6), predicted fastest exact each
    // time;
    // spam rho 0.962 / 0.955 / 0.946, predicted fastest missed but its true time is 1.028x the
    // best.
    // So: exact in 3 of 6 runs, within 10% in 6 of 6, smallest rho 0.946. Caveat: the summary
    // targets
    // (click 0.33, spam 0.02) are reached at epoch 2-5, so many prefixes already contain the
    // crossing
    // (click: 22 of 48 settings at prefix 4; spam: all 48) and ranking by epoch time alone does as
    // well
    // (baseline rho 0.987 / 0.962); the lower-target test below is the real extrapolation test.
    assertThat(runs).allSatisfy(r -> assertThat(r.top1WithinTolerance()).as(r.label()).isTrue());
    assertThat(exact).isGreaterThanOrEqualTo(3);
    assertThat(runs.subList(0, 3))
        .allSatisfy(r -> assertThat(r.spearman()).as(r.label()).isGreaterThan(0.97));
    assertThat(minRho).isGreaterThan(0.93);
  }

  @Test
  void ranking_lowerTarget_extrapolatesFromTheFirstEpochs() {
    List<Ranking> runs = new ArrayList<>();
    for (String workload : List.of("click", "spam")) {
      RecordedGrid grid = RecordedGrid.load(workload);
      double target = workload.equals("click") ? 0.25 : 0.005;
      for (int prefix : new int[] {4, 5, 6}) {
        Ranking paper = rank(grid, target, prefix, "paper");
        rank(grid, target, prefix, "optimus");
        rank(grid, target, prefix, null);
        runs.add(paper);
        // Measured with the paper model: click (target 0.25, reached at epoch >= 9 by 33 of 48
        // settings) rho 0.970 / 0.973 / 0.975 at prefix 4 / 5 / 6, spam (target 0.005, reached at
        // epoch >= 12 by 40 of 48) rho 0.977 / 0.977 / 0.978; predicted fastest exact in all six.
        assertThat(paper.reachedInPrefix()).as(paper.label()).isZero();
        assertThat(paper.spearman()).as(paper.label()).isGreaterThan(0.95);
        assertThat(paper.top1Exact()).as(paper.label()).isTrue();
        if (workload.equals("spam")) {
          // on spam the curve adds information: epoch time alone gives rho 0.930 / 0.924 / 0.927
          assertThat(paper.spearman())
              .as(paper.label())
              .isGreaterThan(paper.baselineSpearman() + 0.03);
        }
      }
    }
    // Not asserted, printed above: the Optimus model fitted to 4-6 early epochs puts its asymptote
    // b2
    // above these targets for most settings (click: all 41 fitted settings predicted never to get
    // there, rho NaN), and held-out selection (one or two held-out epochs) prefers Optimus from
    // prefix 5 on, so the selected model ranks badly here (click rho -0.176, spam 0.145 / 0.464).
    assertThat(runs).hasSize(6);
  }
}
