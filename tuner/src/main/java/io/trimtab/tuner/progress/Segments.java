package io.trimtab.tuner.progress;

import java.util.Arrays;
import java.util.Optional;
import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * Shared checks and robust fitting for the progress models: input validation and the
 * median-absolute-deviation (MAD) outlier rule.
 *
 * <p>The MAD rule keeps a point when {@code |r - median(r)| <= cutoff * 1.4826 * MAD(r)}; 1.4826
 * makes the MAD a consistent estimate of the standard deviation under Gaussian noise, so a cutoff
 * of 3 drops points more than about three standard deviations off. A floor on the threshold keeps a
 * noise-free fit (MAD near machine precision) from dropping points over rounding error.
 *
 * <p>The residuals are relative loss residuals {@code ln(l / predicted l)}: loss noise is roughly
 * proportional to the loss, so these have about the same spread early and late in a curve. The rule
 * is applied to all points after each fit and the model refitted on the points kept, until the kept
 * set stops changing (at most {@value #MAX_ROUNDS} refits): a spike can distort the first fit
 * enough to hide (for the paper model, a spike above the first loss becomes d), and a point dropped
 * because of a distorted first fit comes back once the fit is right.
 */
final class Segments {

  /** Fewest points a model fits: three curve parameters plus one degree of freedom. */
  static final int MIN_POINTS = 4;

  /** Default MAD cutoff, in robust standard deviations. */
  static final double MAD_CUTOFF = 3.0;

  private static final double MAD_TO_SD = 1.4826;

  /** Most refits of the MAD rule. */
  static final int MAX_ROUNDS = 5;

  private Segments() {}

  /** Fits a model to some points of a segment; null when it cannot. */
  @FunctionalInterface
  interface Fitter<F extends ProgressFit> {
    F fit(double[] iterations, double[] losses);
  }

  /** Completes a fit with its root-mean-square error over the points kept and the count dropped. */
  @FunctionalInterface
  interface Finisher<F extends ProgressFit> {
    F finish(F fit, double rmse, int outliersDropped);
  }

  /**
   * Fits with MAD outlier rejection (see the class comment).
   *
   * @param cutoff MAD cutoff; {@code Double.POSITIVE_INFINITY} fits once on all points
   * @param screen the fit whose residuals start the rule, for a model whose plain fit a single
   *     outlier can distort badly; null to start from the plain fit on all points
   * @return the final fit, or empty when the fit on all points fails
   */
  static <F extends ProgressFit> Optional<ProgressFit> robustFit(
      double[] iterations,
      double[] losses,
      double cutoff,
      F screen,
      Fitter<F> fitter,
      Finisher<F> finisher) {
    F fit = fitter.fit(iterations, losses);
    if (fit == null) {
      return Optional.empty();
    }
    F residualFit = screen == null ? fit : screen;
    boolean[] kept = new boolean[iterations.length];
    Arrays.fill(kept, true);
    for (int round = 0; round < MAX_ROUNDS; round++) {
      double[] residuals = new double[iterations.length];
      for (int i = 0; i < iterations.length; i++) {
        double r = Math.log(losses[i] / residualFit.lossAt(iterations[i]));
        residuals[i] = Double.isNaN(r) ? Double.POSITIVE_INFINITY : r;
      }
      boolean[] next = keep(residuals, cutoff, 1e-9);
      if (Arrays.equals(next, kept) || count(next) < MIN_POINTS) {
        break;
      }
      F refit = fitter.fit(select(iterations, next), select(losses, next));
      if (refit == null) {
        break;
      }
      fit = refit;
      residualFit = refit;
      kept = next;
    }
    double rmse = rmse(fit, select(iterations, kept), select(losses, kept));
    return Optional.of(finisher.finish(fit, rmse, iterations.length - count(kept)));
  }

  /**
   * Checks a segment: same lengths, iterations finite and strictly increasing, losses finite and
   * positive.
   *
   * @throws IllegalArgumentException naming the first offending index and value
   */
  static void validate(double[] iterations, double[] losses) {
    if (iterations == null || losses == null) {
      throw new IllegalArgumentException("A segment needs iterations and losses (got null)");
    }
    if (iterations.length != losses.length) {
      throw new IllegalArgumentException(
          "Iterations and losses differ in length: "
              + iterations.length
              + " iterations vs "
              + losses.length
              + " losses (must be equal)");
    }
    for (int i = 0; i < iterations.length; i++) {
      if (!Double.isFinite(iterations[i])) {
        throw new IllegalArgumentException(
            "Invalid iteration at index " + i + ": " + iterations[i] + " (must be finite)");
      }
      if (i > 0 && !(iterations[i] > iterations[i - 1])) {
        throw new IllegalArgumentException(
            "Invalid iteration at index "
                + i
                + ": "
                + iterations[i]
                + " (must be > the previous iteration "
                + iterations[i - 1]
                + ")");
      }
      if (!(losses[i] > 0 && Double.isFinite(losses[i]))) {
        throw new IllegalArgumentException(
            "Invalid loss at index " + i + ": " + losses[i] + " (must be a finite number > 0)");
      }
    }
  }

  /**
   * Which points the MAD rule keeps.
   *
   * @param residuals residuals of a first fit
   * @param cutoff robust standard deviations a residual may be off the median; {@code
   *     Double.POSITIVE_INFINITY} keeps everything
   * @param floor smallest threshold, in residual units, >= 0
   * @return one flag per residual, true to keep
   */
  static boolean[] keep(double[] residuals, double cutoff, double floor) {
    boolean[] keep = new boolean[residuals.length];
    if (cutoff == Double.POSITIVE_INFINITY) {
      Arrays.fill(keep, true);
      return keep;
    }
    Median median = new Median();
    double center = median.evaluate(residuals);
    double[] deviations = new double[residuals.length];
    for (int i = 0; i < residuals.length; i++) {
      deviations[i] = Math.abs(residuals[i] - center);
    }
    double threshold = Math.max(cutoff * MAD_TO_SD * median.evaluate(deviations), floor);
    for (int i = 0; i < residuals.length; i++) {
      keep[i] = deviations[i] <= threshold;
    }
    return keep;
  }

  static int count(boolean[] flags) {
    int n = 0;
    for (boolean f : flags) {
      n += f ? 1 : 0;
    }
    return n;
  }

  /** The entries of {@code values} whose flag is set. */
  static double[] select(double[] values, boolean[] keep) {
    double[] out = new double[count(keep)];
    for (int i = 0, j = 0; i < values.length; i++) {
      if (keep[i]) {
        out[j++] = values[i];
      }
    }
    return out;
  }

  static void checkCutoff(double cutoff) {
    if (!(cutoff > 0)) {
      throw new IllegalArgumentException(
          "Invalid MAD cutoff: " + cutoff + " (must be > 0, or infinity to keep every point)");
    }
  }

  /** Root-mean-square of {@code fit(iterations[i]) - losses[i]}. */
  static double rmse(ProgressFit fit, double[] iterations, double[] losses) {
    double sum = 0;
    for (int i = 0; i < iterations.length; i++) {
      double r = fit.lossAt(iterations[i]) - losses[i];
      sum += r * r;
    }
    return Math.sqrt(sum / iterations.length);
  }
}
