package io.trimtab.tuner;

import io.trimtab.tuner.progress.JobProgress;
import io.trimtab.tuner.progress.ProgressFit;
import io.trimtab.tuner.progress.Target;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's whole loss curve, clock by clock, with the setting of each clock, and its fit with one
 * progress rate per setting ({@link JobProgress}): where the tuner's scores of measured settings
 * come from. The curve family (the paper's, the power law with a floor, or Optimus') is chosen per
 * job from held-out errors on the first trial windows: the lower of the paper's and the power
 * family's, Optimus' only if clearly lower than both. Package-private, mutable, driver-side only.
 */
final class JobCurve {
  /** Clocks a fit uses at most (evenly thinned beyond): bounds the tuner's own cost. */
  private static final int MAX_POINTS = 400;

  /** Held-out comparisons (the latest) that choose the job's curve family. */
  private static final int COMPARISONS = 3;

  /**
   * Optimus is chosen only with a held-out error below this fraction of the others'. Short held-out
   * windows favour Optimus, whose fitted floor predicts the next epoch well but stops far too early
   * over long horizons (its floor is above the later targets of most settings of the recorded
   * grids). The power family, also with a floor but with a free exponent, extrapolates the click
   * curves better than the paper's, and held-out error picks well between those two after a few
   * epochs. Figures: docs/design-notes.md, "Tuner".
   */
  private static final double OPTIMUS_MARGIN = 0.5;

  /**
   * The power family replaces the paper's with a held-out error below this fraction of its: it has
   * two more parameters, and a power fit barely better on one held-out window (p at its bound, an
   * early floor) can predict far too little remaining time and stop exploration.
   */
  private static final double POWER_MARGIN = 0.8;

  /**
   * While exploiting, the curve is refitted every this many epochs (its fit is most of the tuner's
   * own cost).
   */
  private static final int EXPLOIT_REFIT_EPOCHS = 5;

  /** Comparisons before the family may count as settled ({@link #settled()}). */
  private static final int SETTLE_AFTER = 6;

  private Target target;
  private final Map<Setting, Integer> index = new HashMap<>();
  private final List<Integer> settings = new ArrayList<>();
  private final List<Double> losses = new ArrayList<>();
  private final Map<JobProgress.Family, ArrayDeque<Double>> errors = new HashMap<>();

  /** Held-out comparisons made, and how many of the latest left the family unchanged. */
  private int comparisons;

  private int unchanged;

  /** Epochs since the last refit while exploiting. */
  private int epochsSinceFit;

  /** The latest power fit's exponent (NaN before one). */
  private double exponent = Double.NaN;

  private JobProgress fit;
  private JobProgress previous;
  private int fitted;
  private Target scoring;
  private double calibration = 1;
  private int calibrations;
  private static final double CALIBRATION_WEIGHT = 0.3;
  private static final double CALIBRATION_MIN = 0.1;
  private static final double CALIBRATION_MAX = 3;

  JobCurve(Target target) {
    this.target = target;
    this.scoring = target;
  }

  /**
   * Adds an epoch's clocks and refits.
   *
   * @param compare whether to compare the families' held-out errors now (the latest {@value
   *     #COMPARISONS} comparisons choose the family)
   * @param before the (smoothed) loss before the epoch
   * @param now the (smoothed) loss after it
   * @param refit whether to refit now (fits are the tuner's main cost: while it keeps a setting, a
   *     fit every few epochs is enough)
   */
  void add(
      Setting s, double[] clockLosses, boolean compare, double before, double now, boolean refit) {
    Integer known = index.get(s);
    if (fit != null
        && known != null
        && known < fitted
        && Double.isFinite(before)
        && Double.isFinite(now)) {
      // how many iterations the fit expected this epoch's progress to take, against the clocks
      // it took
      double expected = fit.view(known, before).iterationAt(now);
      if (Double.isFinite(expected)) {
        double r =
            Math.max(CALIBRATION_MIN, Math.min(CALIBRATION_MAX, expected / clockLosses.length));
        calibration = (1 - CALIBRATION_WEIGHT) * calibration + CALIBRATION_WEIGHT * r;
        calibrations++;
      }
    }
    int i = index.computeIfAbsent(s, k -> index.size());
    for (double l : clockLosses) {
      settings.add(i);
      losses.add(Math.max(l, 1e-12));
    }
    if (!refit && fit != null && i < fitted) {
      previous = fit;
      return;
    }
    fitNow(i, compare, now);
  }

  /**
   * Whether the next epoch's clocks refit the curve: always while exploring; while {@code
   * exploiting}, every {@value #EXPLOIT_REFIT_EPOCHS} epochs (or {@link #refit} in between).
   */
  boolean refitDue(boolean exploiting) {
    if (!exploiting || ++epochsSinceFit >= EXPLOIT_REFIT_EPOCHS) {
      epochsSinceFit = 0;
      return true;
    }
    return false;
  }

  /**
   * Changes the target the settings are scored against (the tuner's target in the units of the
   * fitted trend). A loss target scores from now on; a convergence target from the next fit.
   */
  void retarget(Target t) {
    this.target = t;
    if (t.hasLoss()) {
      scoring = t;
    }
  }

  /**
   * Refits the curve on the clocks seen so far (between the periodic refits, when a check one epoch
   * ahead needs a fit that includes the latest epoch).
   */
  void refit(double now) {
    epochsSinceFit = 0;
    if (!losses.isEmpty()) {
      fitNow(settings.get(settings.size() - 1), false, now);
    }
  }

  private void fitNow(int i, boolean compare, double now) {
    int n = losses.size();
    int step = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
    int size = (n + step - 1) / step;
    int[] set = new int[size];
    double[] loss = new double[size];
    for (int k = 0, j = 0; k < n; k += step, j++) {
      set[j] = settings.get(k);
      loss[j] = losses.get(k);
    }
    previous = fit != null && i < fitted ? fit : null;
    fitted = index.size();
    // the exponent of the latest power fit: refits search near it first
    double hint = fit != null && fit.family() == JobProgress.Family.POWER ? fit.power() : exponent;
    if (size >= 8 && compare && !settled()) {
      JobProgress.Family before = family();
      JobProgress.heldOutErrors(set, loss, fitted, 0.25, hint)
          .forEach(
              (f, err) -> {
                ArrayDeque<Double> latest = errors.computeIfAbsent(f, k -> new ArrayDeque<>());
                latest.addLast(Double.isFinite(err) ? err : Double.POSITIVE_INFINITY);
                if (latest.size() > COMPARISONS) {
                  latest.removeFirst();
                }
              });
      comparisons++;
      unchanged = family() == before ? unchanged + 1 : 0;
    }
    fit = size < 4 ? null : JobProgress.fit(set, loss, fitted, family(), hint).orElse(null);
    if (fit != null && fit.family() == JobProgress.Family.POWER) {
      exponent = fit.power();
    }
    if (fit != null
        && fit.family() != JobProgress.Family.PAPER
        && (target.hasLoss() && fit.floor() >= target.loss()
            || fit.family() == JobProgress.Family.POWER && fit.atBound())) {
      // a floor fitted above the target says no setting ever gets there: it compares nothing, and
      // the user asked for that loss; an exponent at its bound is no fit either. The paper's
      // family (no floor) still ranks the settings
      fit = JobProgress.fit(set, loss, fitted, JobProgress.Family.PAPER).orElse(null);
    }
    if (fit != null && previous != null && fit.family() != previous.family()) {
      // the calibration measured another family's bias, and a one-epoch-ahead check against another
      // family's curve would see its bias as drift: start both afresh
      calibration = 1;
      calibrations = 0;
      previous = null;
    }
    scoring = scoringTarget(now);
  }

  /**
   * Whether the family choice has settled: after {@value #SETTLE_AFTER} comparisons, the last
   * {@value #COMPARISONS} of which left it unchanged. Comparisons fit every family on the first
   * three quarters of the curve, three fits for one; once settled they stop, since they are most of
   * the tuner's own cost.
   */
  boolean settled() {
    return comparisons >= SETTLE_AFTER && unchanged >= COMPARISONS;
  }

  /** The curve family for this job (the paper's until a held-out comparison says otherwise). */
  JobProgress.Family family() {
    double paper = meanError(JobProgress.Family.PAPER);
    double power = meanError(JobProgress.Family.POWER);
    double optimus = meanError(JobProgress.Family.OPTIMUS);
    JobProgress.Family best =
        power < POWER_MARGIN * paper ? JobProgress.Family.POWER : JobProgress.Family.PAPER;
    return optimus < OPTIMUS_MARGIN * Math.min(paper, power) ? JobProgress.Family.OPTIMUS : best;
  }

  private double meanError(JobProgress.Family f) {
    ArrayDeque<Double> e = errors.get(f);
    return e == null || e.isEmpty()
        ? Double.POSITIVE_INFINITY
        : e.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /**
   * The progress model name of {@link #family()}, for the per-segment fits (which smooth the
   * current loss): the power family has no per-segment model, and its segments use the paper's.
   */
  String model() {
    return family() == JobProgress.Family.OPTIMUS ? "optimus" : "paper";
  }

  /**
   * Iterations {@code s} needs from {@code loss} to the target; NaN if the curve cannot say (not
   * fitted).
   */
  double remainingIterations(Setting s, double loss) {
    Integer i = index.get(s);
    if (fit == null || i == null || i >= fitted) {
      return Double.NaN;
    }
    if (!target.hasLoss() && scoring.hasLoss() && loss <= scoring.loss()) {
      // the loss passed the one compared at since the last fit (fits are periodic while the tuner
      // keeps a setting): compare at one further below, or every prediction reads 0 s left
      scoring = scoringTarget(loss);
    }
    return fit.remainingIterations(i, loss, scoring) / calibration;
  }

  /**
   * Progress per iteration observed over progress predicted one epoch ahead, smoothed over the
   * job's epochs (1 = the fitted curve is right). A curve fitted early underestimates how much
   * training slows down (docs/design-notes.md, "Tuner"); every prediction of remaining iterations
   * is divided by this factor, which leaves the ranking of settings unchanged but corrects the ETA,
   * the guard and the weighing of gains against switch costs.
   */
  double calibration() {
    return calibration;
  }

  /** Epochs whose progress was checked against the prediction one epoch ahead. */
  int calibrations() {
    return calibrations;
  }

  /** The fitted progress rate of {@code s} (z-units per iteration), NaN if not fitted. */
  double rate(Setting s) {
    Integer i = index.get(s);
    return fit == null || i == null || i >= fitted ? Double.NaN : fit.rate(i);
  }

  /**
   * The curve of {@code s} from {@code loss} as the fit before the last epoch saw it (to check the
   * last epoch against a prediction made without it), or null.
   */
  ProgressFit previousView(Setting s, double loss) {
    Integer i = index.get(s);
    return previous == null || i == null || !Double.isFinite(loss) ? null : previous.view(i, loss);
  }

  /**
   * The target settings are compared at. Without a target loss, "converged" (relative improvement
   * below a threshold per window) comes sooner for a slower setting, at a worse loss; so the
   * settings are compared by their time to the loss at which the fastest-progressing one converges.
   * On a plateau that loss is the current one (the fitted curve has already "converged"), which
   * would score every setting that makes any progress, or none, at 0 s: a stall would read as
   * convergence. The loss compared at is therefore at least one window of the fastest setting's
   * progress below the current one, and with no setting progressing there is no loss target: every
   * prediction is then infinite, and the tuner falls back on its first setting.
   */
  private Target scoringTarget(double now) {
    if (target.hasLoss() || fit == null || !Double.isFinite(now)) {
      return target;
    }
    int fastest = -1;
    for (int s = 0; s < fitted; s++) {
      if (fit.rate(s) > 0 && (fastest < 0 || fit.rate(s) > fit.rate(fastest))) {
        fastest = s;
      }
    }
    if (fastest < 0) {
      return target;
    }
    double k = fit.remainingIterations(fastest, now, target);
    ProgressFit view = fit.view(fastest, now);
    double loss = view.lossAt(Double.isFinite(k) ? Math.max(k, target.window()) : target.window());
    return loss > 0 && Double.isFinite(loss) && loss > fit.floor() && loss < now
        ? Target.loss(loss)
        : target;
  }
}
