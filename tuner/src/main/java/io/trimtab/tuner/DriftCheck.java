package io.trimtab.tuner;

import io.trimtab.tuner.progress.ProgressFit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * Whether the exploited setting drifted: its iteration time grew (a slowed or lost executor, a
 * competing load), its loss falls slower than the whole-job fit predicted one epoch ahead, or its
 * loss rises, for {@code epochs} epochs in a row. Package-private, mutable, driver-side only.
 */
final class DriftCheck {
  /** Epochs checked against the curve before a slowed convergence counts as drift. */
  private static final int DRIFT_CALIBRATIONS = 5;

  private final double drift;
  private final int epochs;
  private double tolerance;
  private double referenceSpi = Double.NaN;
  private double referenceNoise;
  private int count;

  /** Epochs checked without drift before a slower iteration time can count as drift. */
  static final int MIN_NORMAL_EPOCHS = 3;

  /** Seconds per iteration of the epochs checked since the reset that did not look drifted. */
  private final List<Double> normal = new ArrayList<>();

  DriftCheck(double drift, int epochs) {
    this.drift = drift;
    this.epochs = epochs;
    this.tolerance = drift;
  }

  /**
   * Whether the last epoch checked looked slower than predicted, though not yet for long enough.
   */
  boolean suspects() {
    return count > 0;
  }

  /** Takes {@code m}'s measured time per iteration as the reference (when a setting is chosen). */
  void reset(Measured m) {
    count = 0;
    referenceSpi = m == null ? Double.NaN : m.secondsPerIteration();
    referenceNoise = m == null ? 0 : m.timeNoise();
    normal.clear();
  }

  /**
   * Checks the epoch just run under {@code current} (measurements {@code m}) while exploiting,
   * against the whole-job {@code curve}; never near the target ({@code eta} under three epochs of
   * {@code epochSeconds}), where a re-tune cannot pay for itself.
   *
   * @return why it drifted, once it has for {@code epochs} epochs in a row; else null
   */
  String check(
      EpochObservation o,
      Measured m,
      double before,
      double eta,
      double epochSeconds,
      Setting current,
      JobCurve curve) {
    if (eta < 3 * epochSeconds) {
      return null;
    }
    // progress is checked against the curve only once the curve's calibration has settled: an
    // early fit is optimistic (its shape too flat), and its first checks read as a slowed
    // convergence
    ProgressFit predicted =
        curve.calibrations() >= DRIFT_CALIBRATIONS ? curve.previousView(current, before) : null;
    return check(o, m, predicted, curve.calibration(), before);
  }

  /**
   * Checks the epoch just run under {@code m}'s setting.
   *
   * @param predicted the whole-job curve of the setting from {@code before}, as fitted before this
   *     epoch (null if there was none)
   * @param calibration observed over predicted progress so far ({@link JobCurve#calibration})
   * @param before the loss before the epoch
   * @return why it drifted, once it has for {@code epochs} epochs in a row; else null
   */
  String check(
      EpochObservation o, Measured m, ProgressFit predicted, double calibration, double before) {
    if (!Double.isFinite(referenceSpi)) {
      if (m.timedEpochs() > 0) {
        reset(m);
      }
      return null;
    }
    double timeRatio = o.secondsPerIteration() / referenceSpi;
    // beyond the threshold and beyond three times the setting's own epoch-to-epoch spread; only a
    // slowdown re-tunes (a faster current setting stays the one to keep)
    double hi = 1 + Math.max(drift, 3 * referenceNoise);
    String why = null;
    // only once a few epochs under the kept setting give its spread: a setting chosen after one or
    // two epochs has none, and two noisy epochs of a short job (JIT, GC) read as a slowdown
    if (timeRatio > hi && normal.size() >= MIN_NORMAL_EPOCHS) {
      why =
          String.format(
              Locale.ROOT,
              "iteration time drifted: %.4f s vs %.4f s when chosen",
              o.secondsPerIteration(),
              referenceSpi);
    } else if (m.points() >= 2 * o.iterations()) {
      // the slope of log-loss over the last two epochs, and its standard error (one epoch's
      // progress can be within the noise)
      double[] it = m.iterations();
      double[] loss = m.losses();
      SimpleRegression r = new SimpleRegression();
      for (int i = it.length - 2 * o.iterations(); i < it.length; i++) {
        r.addData(it[i], Math.log(loss[i]));
      }
      double observed = r.getSlope();
      if (observed > 0 && observed > 3 * r.getSlopeStdErr()) {
        // a loss that rises under the kept setting is drift whatever the curve predicted: a fit
        // of a rising loss predicts no progress at all, and nothing else would ever re-decide
        why =
            String.format(
                Locale.ROOT,
                "the loss rises under it: %+.1f%% an epoch over the last two epochs",
                100 * Math.expm1(observed * o.iterations()));
      } else if (predicted != null) {
        // one step ahead: the observed slope against the slope the fit before this epoch
        // predicted; drift only if slower beyond the tolerance and beyond three standard errors
        double expected =
            calibration
                * (Math.log(predicted.lossAt(o.iterations())) - Math.log(before))
                / o.iterations();
        if (expected < 0
            && observed > expected / (1 + tolerance)
            && observed - expected > 3 * r.getSlopeStdErr()) {
          why =
              String.format(
                  Locale.ROOT,
                  "convergence slowed: the loss falls %.0f%% as fast as predicted",
                  100 * Math.max(observed / expected, 0));
        }
      }
    }
    count = why == null ? 0 : count + 1;
    if (why == null) {
      // the reference follows the median time per iteration and the spread of the epochs that did
      // not look drifted: it takes in the speed-up of JVMs warming up after the choice, but not the
      // first epochs of a slowdown, which would raise the bar the next ones must clear (on
      // local-cluster a competing load was noticed 5 epochs late)
      normal.add(o.secondsPerIteration());
      if (normal.size() >= 2) {
        double[] spi = normal.stream().mapToDouble(Double::doubleValue).toArray();
        referenceSpi = StatUtils.percentile(spi, 50);
        referenceNoise =
            Math.max(referenceNoise, Math.sqrt(StatUtils.variance(spi)) / StatUtils.mean(spi));
      }
    }
    if (count < epochs) {
      return null;
    }
    if (why.startsWith("convergence")) {
      // the fitted curve extrapolates less well the further training moves (loss floors, phases):
      // each convergence re-tune doubles the tolerance, so slow model drift cannot re-tune often
      tolerance *= 2;
    }
    return why;
  }
}
