package io.trimtab.tuner;

import io.trimtab.tuner.progress.ProgressFit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.stat.StatUtils;

/**
 * What the tuner has measured of one setting: its latest contiguous segment of the job's loss curve
 * (the paper fits each segment on its own: d is the segment's largest loss, j0 its first step), its
 * time per iteration, and the fit of the segment. It accumulates an epoch at a time, so it is
 * mutable; only its own methods change it. Package-private, driver-side only.
 */
final class Measured {
  private final Setting setting;
  private final List<Double> iterations = new ArrayList<>();
  private final List<Double> losses = new ArrayList<>();
  private final List<Double> secondsPerIteration = new ArrayList<>();
  private int segmentEpochs;

  /** The median of {@link #secondsPerIteration}, NaN until computed after a change. */
  private double medianSpi = Double.NaN;

  private boolean open;
  private boolean stale;

  /** Loss level (fraction of the job's first loss) at the end of the latest segment. */
  private double level = Double.NaN;

  /** The fit of the latest segment, or null when it could not be fitted. */
  private ProgressFit fit;

  /**
   * Iteration (on the fit's axis) at which the target or convergence is reached; infinite if never.
   */
  private double doneIteration = Double.POSITIVE_INFINITY;

  Measured(Setting setting) {
    this.setting = Objects.requireNonNull(setting, "setting");
  }

  Setting setting() {
    return setting;
  }

  /** Whether the measurements predate a drift (they no longer say how the setting runs). */
  boolean stale() {
    return stale;
  }

  void stale(boolean value) {
    stale = value;
  }

  /** Loss level (fraction of the job's first loss) at the end of the latest segment. */
  double level() {
    return level;
  }

  void level(double value) {
    level = value;
  }

  /** The fit of the latest segment, or null when it could not be fitted. */
  ProgressFit fit() {
    return fit;
  }

  /**
   * Iteration (on the fit's axis) at which the target or convergence is reached; infinite if never.
   */
  double doneIteration() {
    return doneIteration;
  }

  /** Takes the latest fit of the segment (null if none) and where it reaches the target. */
  void fitted(ProgressFit segmentFit, double done) {
    fit = segmentFit;
    doneIteration = done;
  }

  /**
   * Starts a new segment: the setting is (re-)entered, so its older points are another phase of the
   * job.
   */
  void startSegment() {
    iterations.clear();
    losses.clear();
    segmentEpochs = 0;
    open = true;
    stale = false;
    fit = null;
    doneIteration = Double.POSITIVE_INFINITY;
  }

  /** Forgets the timing samples: after a drift only new epochs say how fast the setting runs. */
  void resetTiming() {
    secondsPerIteration.clear();
    medianSpi = Double.NaN;
  }

  void close() {
    open = false;
  }

  boolean open() {
    return open;
  }

  /**
   * Adds an epoch that started at global iteration {@code first}; {@code timed} is false for epochs
   * whose time says nothing about the setting (the job's first, warming up the JVMs).
   */
  void add(EpochObservation o, long first, boolean timed) {
    double[] l = o.clockLosses();
    for (int i = 0; i < l.length; i++) {
      iterations.add((double) (first + i));
      losses.add(Math.max(l[i], 1e-12));
    }
    segmentEpochs++;
    if (timed) {
      secondsPerIteration.add(o.secondsPerIteration());
      medianSpi = Double.NaN;
    }
  }

  int segmentEpochs() {
    return segmentEpochs;
  }

  int points() {
    return iterations.size();
  }

  int timedEpochs() {
    return secondsPerIteration.size();
  }

  double[] iterations() {
    return iterations.stream().mapToDouble(Double::doubleValue).toArray();
  }

  double[] losses() {
    return losses.stream().mapToDouble(Double::doubleValue).toArray();
  }

  double lastIteration() {
    return iterations.isEmpty() ? Double.NaN : iterations.get(iterations.size() - 1);
  }

  /**
   * Median seconds per iteration of the timed epochs (robust to one slow epoch); NaN if none. Kept
   * between changes: the tuner reads it for every setting at every decision.
   */
  double secondsPerIteration() {
    if (Double.isNaN(medianSpi) && !secondsPerIteration.isEmpty()) {
      medianSpi =
          StatUtils.percentile(
              secondsPerIteration.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }
    return medianSpi;
  }

  /** Relative spread (coefficient of variation) of the timed epochs; 0 with fewer than two. */
  double timeNoise() {
    if (secondsPerIteration.size() < 2) {
      return 0;
    }
    double[] s = secondsPerIteration.stream().mapToDouble(Double::doubleValue).toArray();
    return Math.sqrt(StatUtils.variance(s)) / StatUtils.mean(s);
  }

  /** Mean of the last {@code n} losses of the segment. */
  double recentLoss(int n) {
    double[] l = losses();
    return Arrays.stream(l, Math.max(0, l.length - n), l.length).average().orElse(Double.NaN);
  }
}
