package io.trimtab.tuner;

import java.util.Objects;

/**
 * Where the job stands after an epoch, as the tuner decides from it: what the scores, the guard and
 * the phase machine read instead of the tuner's fields.
 *
 * @param epoch the epoch just observed (>= 1)
 * @param current the setting it ran under
 * @param firstLoss the job's first clock loss (> 0)
 * @param loss the smoothed loss after the epoch (the fitted trend of its segment)
 * @param epochSeconds the epoch's wall time (>= 0)
 */
record JobPosition(int epoch, Setting current, double firstLoss, double loss, double epochSeconds) {

  JobPosition {
    if (epoch < 1) {
      throw new IllegalArgumentException("Invalid epoch: " + epoch + " (must be >= 1)");
    }
    Objects.requireNonNull(current, "current");
    if (!(firstLoss > 0)) {
      throw new IllegalArgumentException("Invalid first loss: " + firstLoss + " (must be > 0)");
    }
    if (!(epochSeconds >= 0)) {
      throw new IllegalArgumentException(
          "Invalid epoch time: " + epochSeconds + " s (must be >= 0)");
    }
  }

  /** The current loss as a fraction of the job's first. */
  double level() {
    return loss / firstLoss;
  }

  /** The last epoch's seconds where a finite duration is needed (0 if unknown). */
  double epochSecondsOrZero() {
    return Double.isFinite(epochSeconds) ? epochSeconds : 0;
  }

  /**
   * Seconds until the epoch budget of {@code maxEpochs} ends at the current pace (infinite without
   * a budget, {@code maxEpochs <= 0}).
   */
  double horizon(int maxEpochs) {
    if (maxEpochs <= 0 || !Double.isFinite(epochSeconds)) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(0, maxEpochs - epoch) * epochSeconds;
  }
}
