package io.trimtab.tuner;

import io.trimtab.tuner.progress.ProgressFit;
import io.trimtab.tuner.progress.Target;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.StatUtils;

/**
 * The job's loss over the tuner's: how much higher an epoch's mean loss (what the job stops on) is
 * than the fitted trend of its clock losses. Fits drop outlying clocks by median absolute
 * deviation, and mini-batch losses are skewed (a few hard batches), so the trend runs below the
 * mean, by a different amount per workload (docs/design-notes.md, "Tuner"). Unscaled, a loss target
 * would be taken as reached before the job reaches it, and every remaining time predicted near the
 * target would be too short.
 *
 * @param ratios the latest ratios of an epoch's mean loss to the mean of the fitted trend over its
 *     clocks, oldest first (at most {@value #EPOCHS})
 * @param value the scale: the median of {@code ratios} within [{@value #MIN}, {@value #MAX}], 1
 *     before any
 */
record LossScale(List<Double> ratios, double value) {
  /** Epochs whose ratios set the scale (the median of the latest). */
  static final int EPOCHS = 5;

  static final double MIN = 0.5;
  static final double MAX = 3;

  /** No epoch measured yet: the trend is taken at face value. */
  static final LossScale NONE = new LossScale(List.of(), 1);

  LossScale {
    ratios = List.copyOf(ratios);
    if (ratios.size() > EPOCHS) {
      throw new IllegalArgumentException(
          "Invalid loss scale: " + ratios.size() + " ratios (must be at most " + EPOCHS + ")");
    }
    if (!(value >= MIN && value <= MAX)) {
      throw new IllegalArgumentException(
          "Invalid loss scale: " + value + " (must be within " + MIN + " .. " + MAX + ")");
    }
  }

  /**
   * The scale with the ratio of epoch {@code o}'s mean loss to {@code trend} over its clocks (which
   * end before global iteration {@code end}); this scale unchanged if there is no trend, the epoch
   * is the job's first (whose steep start no segment fit follows) or the ratio is not a finite
   * positive number.
   */
  LossScale observe(EpochObservation o, ProgressFit trend, long end) {
    if (trend == null || o.epoch() == 1) {
      return this;
    }
    double sum = 0;
    int n = o.iterations();
    for (int i = 0; i < n; i++) {
      sum += trend.lossAt(end - n + i);
    }
    double ratio = o.meanLoss() / (sum / n);
    if (!(ratio > 0) || !Double.isFinite(ratio)) {
      return this;
    }
    List<Double> next = new ArrayList<>(ratios);
    next.add(ratio);
    if (next.size() > EPOCHS) {
      next.remove(0);
    }
    double median =
        StatUtils.percentile(next.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    return new LossScale(next, Math.max(MIN, Math.min(MAX, median)));
  }

  /**
   * {@code t} in the units of the fitted trends: the target loss over the scale (a convergence
   * target is relative and needs no scaling).
   */
  Target scaled(Target t) {
    return t.hasLoss() && value != 1 ? new Target(t.loss() / value, t.threshold(), t.window()) : t;
  }
}
