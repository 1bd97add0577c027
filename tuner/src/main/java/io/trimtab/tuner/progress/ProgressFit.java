package io.trimtab.tuner.progress;

/** One fitted loss curve; immutable. */
public interface ProgressFit {

  /** The name of the {@link ProgressModel} that produced this fit. */
  String model();

  /** Predicted loss at {@code iteration} (same origin as the fitted iterations). */
  double lossAt(double iteration);

  /**
   * The first iteration at which the predicted loss reaches {@code targetLoss}, or {@code
   * Double.POSITIVE_INFINITY} if the curve never gets there. At most the last fitted iteration when
   * the target is already reached.
   */
  double iterationAt(double targetLoss);

  /** Root-mean-square error of the fit over the points it kept, in loss units. */
  double rmse();

  /** Points dropped as outliers before the final fit. */
  int outliersDropped();
}
