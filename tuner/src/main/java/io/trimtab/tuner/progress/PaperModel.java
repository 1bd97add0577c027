package io.trimtab.tuner.progress;

import java.util.Optional;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * The progress model of Liu et al., "Towards Self-Tuning Parameter Servers" (2018/2020): the
 * iteration at which a segment reaches loss l is
 *
 * <pre>  k(l) = (h / l) ln(d / l) + j0</pre>
 *
 * with d the largest loss of the segment and j0 its first iteration, so that k(d) = j0.
 *
 * <p>Design note. Only h is fitted, by least squares through the origin on {@code k - j0 = h x}
 * with {@code x = (1/l) ln(d/l)} (commons-math3 {@link SimpleRegression} without intercept).
 * Outliers are dropped by the median-absolute-deviation rule on relative loss residuals and the
 * model refitted (see {@link Segments}), with d taken again over the points kept, so that a loss
 * spike cannot stay the curve's start; the first residuals come from a fit with d = the first loss,
 * since with d = the largest loss a spike above the start distorts the whole first fit. j0 stays
 * the segment's first iteration. k(l) is strictly decreasing on (0, d], so {@link
 * ProgressFit#lossAt} inverts it: k = j0 + h z with z the paper family's transform ({@link
 * CurveFamily.Paper}, shared with the whole-job fit), whose inverse solves a Lambert-W equation.
 */
final class PaperModel implements ProgressModel {

  static final String NAME = "paper";

  private final double madCutoff;

  /** With the default MAD cutoff of 3. */
  PaperModel() {
    this(Segments.MAD_CUTOFF);
  }

  /**
   * @param madCutoff robust standard deviations a residual may be off before the point is dropped;
   *     {@code Double.POSITIVE_INFINITY} disables outlier rejection
   */
  PaperModel(double madCutoff) {
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
    if (iterations.length < Segments.MIN_POINTS) {
      return Optional.empty();
    }
    double j0 = iterations[0];
    // screen with the curve started at the first loss: with d the largest loss, a spike would set d
    PaperFit screen = fitH(iterations, losses, j0, losses[0]);
    return Segments.robustFit(
        iterations, losses, madCutoff, screen, (k, l) -> fitH(k, l, j0, max(l)), PaperFit::finish);
  }

  /** The least-squares fit, or null when no loss is below d (no decrease to fit). */
  private static PaperFit fitH(double[] iterations, double[] losses, double j0, double d) {
    SimpleRegression regression = new SimpleRegression(false);
    CurveFamily.Paper curve = CurveFamily.paper(d);
    boolean decrease = false;
    for (int i = 0; i < iterations.length; i++) {
      double x = curve.z(losses[i]);
      decrease |= x > 0;
      regression.addData(x, iterations[i] - j0);
    }
    if (!decrease) {
      return null;
    }
    double h = regression.getSlope();
    return Double.isFinite(h) ? new PaperFit(h, d, j0, Double.NaN, 0) : null;
  }

  private static double max(double[] values) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      max = Math.max(max, v);
    }
    return max;
  }

  /**
   * A fitted paper curve.
   *
   * @param h the fitted scale, in iterations x loss (the curve never decreases when h <= 0)
   * @param d the largest loss kept, where the curve starts
   * @param j0 the segment's first iteration
   * @param rmse root-mean-square loss error over the points kept
   * @param outliersDropped points dropped by the MAD rule
   */
  record PaperFit(double h, double d, double j0, double rmse, int outliersDropped)
      implements ProgressFit {

    PaperFit {
      if (!(d > 0 && Double.isFinite(d))) {
        throw new IllegalArgumentException(
            "Invalid largest loss d: " + d + " (must be a finite number > 0)");
      }
      if (!Double.isFinite(h) || !Double.isFinite(j0)) {
        throw new IllegalArgumentException(
            "Invalid paper fit: h = " + h + ", j0 = " + j0 + " (must be finite)");
      }
      if (outliersDropped < 0) {
        throw new IllegalArgumentException(
            "Invalid outlier count: " + outliersDropped + " (must be >= 0)");
      }
    }

    PaperFit finish(double rmseKept, int dropped) {
      return new PaperFit(h, d, j0, rmseKept, dropped);
    }

    @Override
    public String model() {
      return NAME;
    }

    @Override
    public double lossAt(double iteration) {
      if (!(h > 0) || iteration <= j0) {
        return d;
      }
      return CurveFamily.paper(d).loss((iteration - j0) / h);
    }

    @Override
    public double iterationAt(double targetLoss) {
      if (!(targetLoss > 0) || !(h > 0)) {
        return Double.POSITIVE_INFINITY;
      }
      if (targetLoss >= d) {
        return j0;
      }
      return h * CurveFamily.paper(d).z(targetLoss) + j0;
    }
  }
}
