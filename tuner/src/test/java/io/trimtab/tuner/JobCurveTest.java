package io.trimtab.tuner;

import static org.assertj.core.api.Assertions.assertThat;

import io.trimtab.tuner.progress.Target;
import org.junit.jupiter.api.Test;

class JobCurveTest {
  private static final Setting A = Setting.defaults(2, 2);
  private static final Setting B = A.withWorkers(1);

  @Test
  void withoutATargetLoss_aStalledCurve_doesNotReadAsConverged_andTheSlowerSettingNeedsLonger() {
    // the loss has nearly flattened: one epoch (10 clocks) improves it by less than the
    // convergence threshold of 1e-3, so the fitted curve reads as converged now. An earlier
    // version then scored every setting that makes any progress at 0 iterations left, however
    // slow: a stall counted as convergence. B progresses at half A's rate
    JobCurve curve = new JobCurve(Target.convergence(1e-3, 10));
    double progress = 0;
    double before = Double.NaN;
    for (int epoch = 0; epoch < 6; epoch++) {
      Setting s = epoch % 2 == 0 ? A : B;
      double[] losses = new double[10];
      for (int c = 0; c < 10; c++) {
        progress += s.equals(A) ? 1 : 0.5;
        losses[c] = 0.5 + 0.02 / Math.sqrt(progress + 40);
      }
      double now = losses[9];
      curve.add(s, losses, true, before, now, true);
      before = now;
    }
    double a = curve.remainingIterations(A, before);
    double b = curve.remainingIterations(B, before);
    assertThat(a).as("iterations A needs").isGreaterThan(0).isFinite();
    assertThat(b / a).as("B's iterations over A's (half its rate)").isBetween(1.5, 2.5);
  }
}
