package io.trimtab.tuner.search;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Expected improvement for minimization: how far below the best value seen a point is expected to
 * land, counting only improvements.
 *
 * <p>Design note. The closed form of Jones, Schonlau &amp; Welch, "Efficient Global Optimization of
 * Expensive Black-Box Functions" (1998), for a Gaussian posterior N(μ, σ²) and incumbent f*: EI =
 * (f* − μ − ξ) Φ(z) + σ φ(z) with z = (f* − μ − ξ)/σ. The margin ξ ≥ 0 trades exploitation for
 * exploration (Lizotte 2008); ξ = 0 is the textbook form. With σ = 0 the expectation degenerates to
 * max(f* − μ − ξ, 0).
 */
public final class ExpectedImprovement {
  private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

  private ExpectedImprovement() {}

  /**
   * Expected improvement of {@code p} over {@code best} (minimization) with margin {@code xi}.
   *
   * @param p posterior at the point (sd >= 0)
   * @param best lowest value observed so far
   * @param xi exploration margin, >= 0, in output units
   * @return EI, >= 0
   */
  public static double of(Prediction p, double best, double xi) {
    if (p == null || !Double.isFinite(p.mean()) || !(p.sd() >= 0) || !Double.isFinite(p.sd())) {
      throw new IllegalArgumentException(
          "Invalid prediction: " + p + " (expected a finite mean and a finite sd >= 0)");
    }
    if (!Double.isFinite(best)) {
      throw new IllegalArgumentException("Invalid incumbent: " + best + " (must be finite)");
    }
    if (!(xi >= 0) || !Double.isFinite(xi)) {
      throw new IllegalArgumentException(
          "Invalid exploration margin xi: " + xi + " (must be finite and >= 0)");
    }
    double improvement = best - p.mean() - xi;
    if (p.sd() == 0) {
      return Math.max(improvement, 0);
    }
    double z = improvement / p.sd();
    double ei =
        improvement * STANDARD_NORMAL.cumulativeProbability(z)
            + p.sd() * STANDARD_NORMAL.density(z);
    return Math.max(ei, 0);
  }
}
