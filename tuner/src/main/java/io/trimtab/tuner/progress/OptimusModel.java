package io.trimtab.tuner.progress;

import java.util.Optional;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresBuilder;
import org.apache.commons.math3.fitting.leastsquares.LeastSquaresOptimizer.Optimum;
import org.apache.commons.math3.fitting.leastsquares.LevenbergMarquardtOptimizer;
import org.apache.commons.math3.fitting.leastsquares.MultivariateJacobianFunction;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.apache.commons.math3.util.Pair;

/**
 * The progress model of Peng et al., "Optimus" (EuroSys 2018): the loss after t iterations of SGD
 * is
 *
 * <pre>  l(t) = 1 / (b0 t + b1) + b2,   b0 > 0, b1 > 0</pre>
 *
 * with t counted from the segment's first iteration.
 *
 * <p>Design note. The three parameters are fitted by commons-math3's Levenberg-Marquardt ({@link
 * LevenbergMarquardtOptimizer}) with an analytic Jacobian, on t scaled to [0, 1] for conditioning;
 * a parameter validator keeps b0 and b1 positive so that the curve has no pole at t >= 0. Least
 * squares on a rational model has local minima, so the fit starts from several asymptotes b2 in
 * {0.99, 0.9, 0.5, 0} x the smallest loss, each with b0 and b1 from a linear regression of {@code 1
 * / (l - b2)} on t (which is exactly linear for a noise-free curve), and keeps the best. Outliers
 * are dropped by the median-absolute-deviation rule on relative loss residuals and the model
 * refitted (see {@link Segments}). The target iteration has a closed form: {@code t = (1 / (target
 * - b2) - b1) / b0} for target > b2.
 */
final class OptimusModel implements ProgressModel {

  static final String NAME = "optimus";

  private static final double[] ASYMPTOTE_STARTS = {0.99, 0.9, 0.5, 0.0};

  private final double madCutoff;

  /** With the default MAD cutoff of 3. */
  OptimusModel() {
    this(Segments.MAD_CUTOFF);
  }

  /**
   * @param madCutoff robust standard deviations a residual may be off before the point is dropped;
   *     {@code Double.POSITIVE_INFINITY} disables outlier rejection
   */
  OptimusModel(double madCutoff) {
    Segments.checkCutoff(madCutoff);
    this.madCutoff = madCutoff;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<ProgressFit> fit(double[] iterations, double[] losses) {
    Segments.validate(iterations, losses);
    int n = iterations.length;
    if (n < Segments.MIN_POINTS) {
      return Optional.empty();
    }
    double k0 = iterations[0];
    double scale = iterations[n - 1] - k0;
    return Segments.robustFit(
        iterations,
        losses,
        madCutoff,
        null,
        (k, l) -> fitScaled(k, l, k0, scale),
        OptimusFit::finish);
  }

  /**
   * Best of the multi-start Levenberg-Marquardt fits on {@code t = (k - k0) / scale}, or null if
   * none converged.
   */
  private static OptimusFit fitScaled(
      double[] iterations, double[] losses, double k0, double scale) {
    double[] t = new double[iterations.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = (iterations[i] - k0) / scale;
    }
    double min = Double.POSITIVE_INFINITY;
    for (double l : losses) {
      min = Math.min(min, l);
    }
    double[] best = null;
    double bestCost = Double.POSITIVE_INFINITY;
    for (double fraction : ASYMPTOTE_STARTS) {
      double[] start = start(t, losses, fraction * min);
      try {
        Optimum optimum =
            new LevenbergMarquardtOptimizer()
                .optimize(
                    new LeastSquaresBuilder()
                        .start(start)
                        .model(jacobian(t))
                        .target(losses)
                        .parameterValidator(v -> positive(v, start))
                        .maxEvaluations(5000)
                        .maxIterations(5000)
                        .build());
        double[] p = optimum.getPoint().toArray();
        double cost = optimum.getCost();
        if (p[0] > 0 && p[1] > 0 && Double.isFinite(p[2]) && cost < bestCost) {
          best = p;
          bestCost = cost;
        }
      } catch (MathIllegalStateException e) {
        // this start did not converge (too many evaluations, singular step): try the next
      }
    }
    return best == null
        ? null
        : new OptimusFit(best[0] / scale, best[1], best[2], k0, Double.NaN, 0);
  }

  /** b0 and b1 from a linear fit of 1 / (l - b2) on t, kept positive. */
  private static double[] start(double[] t, double[] losses, double b2) {
    SimpleRegression regression = new SimpleRegression();
    CurveFamily.Power curve = CurveFamily.optimus(b2);
    for (int i = 0; i < t.length; i++) {
      regression.addData(t[i], curve.z(losses[i]));
    }
    double first = curve.z(losses[0]);
    double b0 = regression.getSlope();
    double b1 = regression.getIntercept();
    if (!(b0 > 0) || !Double.isFinite(b0)) {
      b0 = first;
    }
    if (!(b1 > 0) || !Double.isFinite(b1)) {
      b1 = first;
    }
    return new double[] {b0, b1, b2};
  }

  private static RealVector positive(RealVector v, double[] start) {
    RealVector out = v.copy();
    out.setEntry(0, Math.max(v.getEntry(0), 1e-12 * start[0]));
    out.setEntry(1, Math.max(v.getEntry(1), 1e-12 * start[1]));
    return out;
  }

  private static MultivariateJacobianFunction jacobian(double[] t) {
    return point -> {
      double[] p = point.toArray();
      double[] values = new double[t.length];
      double[][] jacobian = new double[t.length][3];
      for (int i = 0; i < t.length; i++) {
        double denominator = p[0] * t[i] + p[1];
        values[i] = 1 / denominator + p[2];
        double dd = -1 / (denominator * denominator);
        jacobian[i][0] = dd * t[i];
        jacobian[i][1] = dd;
        jacobian[i][2] = 1;
      }
      return new Pair<>(
          new ArrayRealVector(values, false), new Array2DRowRealMatrix(jacobian, false));
    };
  }

  /**
   * A fitted Optimus curve {@code l(k) = 1 / (b0 (k - k0) + b1) + b2}.
   *
   * @param b0 rate, per iteration, > 0
   * @param b1 offset, > 0 (the loss at k0 is 1 / b1 + b2)
   * @param b2 asymptote: the loss the curve tends to
   * @param k0 the segment's first iteration
   * @param rmse root-mean-square loss error over the points kept
   * @param outliersDropped points dropped by the MAD rule
   */
  record OptimusFit(double b0, double b1, double b2, double k0, double rmse, int outliersDropped)
      implements ProgressFit {

    OptimusFit {
      if (!(b0 > 0 && Double.isFinite(b0))) {
        throw new IllegalArgumentException(
            "Invalid Optimus rate b0: " + b0 + " (must be a finite number > 0)");
      }
      if (!(b1 > 0 && Double.isFinite(b1))) {
        throw new IllegalArgumentException(
            "Invalid Optimus offset b1: " + b1 + " (must be a finite number > 0)");
      }
      if (!Double.isFinite(b2) || !Double.isFinite(k0)) {
        throw new IllegalArgumentException(
            "Invalid Optimus fit: b2 = " + b2 + ", k0 = " + k0 + " (must be finite)");
      }
      if (outliersDropped < 0) {
        throw new IllegalArgumentException(
            "Invalid outlier count: " + outliersDropped + " (must be >= 0)");
      }
    }

    OptimusFit finish(double rmseKept, int dropped) {
      return new OptimusFit(b0, b1, b2, k0, rmseKept, dropped);
    }

    @Override
    public String model() {
      return NAME;
    }

    @Override
    public double lossAt(double iteration) {
      return CurveFamily.optimus(b2).loss(b0 * (iteration - k0) + b1);
    }

    @Override
    public double iterationAt(double targetLoss) {
      if (!(targetLoss > b2)) {
        return Double.POSITIVE_INFINITY;
      }
      double t = (CurveFamily.optimus(b2).z(targetLoss) - b1) / b0;
      return k0 + Math.max(0, t);
    }
  }
}
