package io.trimtab.tuner.progress;

import java.util.Optional;

/**
 * A family of loss curves l(k) over iterations k, fitted to one segment of a job's loss curve (the
 * iterations run under one setting). Implementations are stateless and thread-safe.
 */
public interface ProgressModel {

  /** Short name for logs and decision records, e.g. {@code "paper"} or {@code "optimus"}. */
  String name();

  /**
   * Fits the model to a segment.
   *
   * @param iterations iteration numbers, strictly increasing (counted from any origin)
   * @param losses the loss observed at each iteration, finite and positive
   * @return the fit, or empty when the segment cannot be fitted (too few points, no decrease)
   * @throws IllegalArgumentException if the arrays differ in length or hold invalid values
   */
  Optional<ProgressFit> fit(double[] iterations, double[] losses);

  /** The model of Liu et al.: {@code k(l) = (h / l) ln(d / l) + j0}, with MAD outlier rejection. */
  static ProgressModel paper() {
    return new PaperModel();
  }

  /**
   * The model of Optimus (Peng et al.): {@code l(k) = 1 / (b0 k + b1) + b2}, with MAD outlier
   * rejection.
   */
  static ProgressModel optimus() {
    return new OptimusModel();
  }
}
