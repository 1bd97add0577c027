package io.trimtab.tuner.progress;

/**
 * When a job is done: at a target loss, or, when the user gives none, at convergence: the first
 * iteration k where the relative improvement {@code (l(k - window) - l(k)) / l(k - window)} falls
 * below {@code threshold}.
 *
 * @param loss target loss, or NaN for convergence
 * @param threshold relative improvement below which the job has converged, in (0, 1)
 * @param window iterations the improvement is measured over, >= 1
 */
public record Target(double loss, double threshold, int window) {

  public Target {
    if (!Double.isNaN(loss) && !(loss > 0 && Double.isFinite(loss))) {
      throw new IllegalArgumentException(
          "Invalid target loss: " + loss + " (must be a finite number > 0)");
    }
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException(
          "Invalid convergence threshold: " + threshold + " (must be in (0, 1))");
    }
    if (window < 1) {
      throw new IllegalArgumentException(
          "Invalid convergence window: " + window + " iterations (must be >= 1)");
    }
  }

  public static Target loss(double loss) {
    return new Target(loss, 1e-3, 1);
  }

  public static Target convergence(double threshold, int window) {
    return new Target(Double.NaN, threshold, window);
  }

  public boolean hasLoss() {
    return !Double.isNaN(loss);
  }
}
