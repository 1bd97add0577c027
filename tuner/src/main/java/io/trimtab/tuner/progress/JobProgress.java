package io.trimtab.tuner.progress;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The whole job's loss curve under several settings, with one progress rate per setting: the
 * statistical efficiency the tuner compares settings by, measured across phases of training.
 *
 * <p>Design note. Every {@link CurveFamily} (shared with the per-segment models) is linear in a
 * transform z of the loss: the paper's k(l) = (h/l) ln(d/l) + j0 is k = j0 + h z with z = (1/l)
 * ln(d/l) (d the job's largest loss), and Optimus' l = 1/(b0 k + b1) + b2 is z = 1/(l - b2) = b0 k
 * + b1. If each iteration under setting s moves z by its own rate a_s (a setting that makes less
 * progress per iteration, e.g. a stale one, has a smaller rate), then at clock i, z(l_i) = c +
 * sum_s a_s n_s(i), n_s(i) being the clocks run under s so far: a linear least-squares problem
 * (commons-math3 QR), with b2 found by Brent's method for Optimus. The power family z = (l -
 * b2)^(-p) generalizes Optimus' (p = 1); its floor and exponent are found by nested Brent searches
 * ({@link FamilySearch}, each trial solved on one {@link JobDesign}). Fitting every segment jointly
 * compares settings measured at different phases of training on one curve, where separate
 * per-segment fits extrapolate each from its own phase (and mis-rank settings measured a few epochs
 * apart). Outliers are dropped by median absolute deviation of the log-loss residuals, as in the
 * per-segment fits.
 *
 * <p>Immutable. Remaining iterations of setting s from loss l to a target T: (z(T) - z(l)) / a_s.
 */
public final class JobProgress {
  private static final double MAD_CUTOFF = 3;
  private static final int REFITS = 3;

  /**
   * Curve families ({@link CurveFamily}), as in {@link ProgressModel#paper()} and {@link
   * ProgressModel#optimus()}; each searches its own parameters.
   */
  public enum Family {
    /** The paper's family, started at the largest kept loss: nothing to search. */
    PAPER {
      @Override
      JobProgress search(JobDesign design, double max, double min, double hint) {
        return design.fit(this, CurveFamily.paper(max));
      }
    },
    /** Optimus' family: the floor by Brent's method. */
    OPTIMUS {
      @Override
      JobProgress search(JobDesign design, double max, double min, double hint) {
        return FamilySearch.optimus(design, min * (1 - 1e-6));
      }
    },
    /**
     * Power law with a floor, l = b2 + (b0 k + b1)^(-1/p), so z = (l - b2)^(-p): Optimus' family is
     * p = 1. Logistic regression's training loss falls like k^(-1/p) with p of 1.5-6 on the
     * recorded grids, which neither the paper's family (too fast) nor Optimus' (floor too high)
     * extrapolates from a few epochs. Floor and exponent by nested Brent searches.
     */
    POWER {
      @Override
      JobProgress search(JobDesign design, double max, double min, double hint) {
        return FamilySearch.power(design, min * (1 - 1e-6), hint);
      }
    };

    /**
     * The family's best fit to the kept clocks of {@code design}, whose losses span [{@code min},
     * {@code max}]; {@code hint} is a previous fit's exponent (NaN for none). Null if none fits.
     */
    abstract JobProgress search(JobDesign design, double max, double min, double hint);
  }

  /** Exponents p the power family may take. */
  static final double MIN_POWER = 0.2;

  static final double MAX_POWER = 10;

  private final Family family;
  private final CurveFamily curve;
  private final double c;
  private final double[] rates;
  private final double rmse;
  private final int dropped;

  JobProgress(
      Family family, CurveFamily curve, double c, double[] rates, double rmse, int dropped) {
    this.family = family;
    this.curve = curve;
    this.c = c;
    this.rates = rates;
    this.rmse = rmse;
    this.dropped = dropped;
  }

  /**
   * Fits the job's curve.
   *
   * @param setting for each clock in order, the index (0 .. settings-1) of the setting it ran under
   * @param losses the loss of each clock, finite and > 0
   * @param settings number of setting indices
   * @return the fit, or empty if the points cannot be fitted (too few, no decrease)
   */
  public static Optional<JobProgress> fit(
      int[] setting, double[] losses, int settings, Family family) {
    return fit(setting, losses, settings, family, Double.NaN);
  }

  /**
   * Fits the job's curve, the power family's exponent searched first within a factor {@value
   * #HINT_SPAN} of {@code exponentHint} (a previous fit's; NaN for none), and over its whole range
   * only if the best lies at that window's edge: refits of one job move the exponent little, and
   * the narrow search costs a third of the evaluations.
   */
  public static Optional<JobProgress> fit(
      int[] setting, double[] losses, int settings, Family family, double exponentHint) {
    validate(setting, losses, settings);
    boolean[] keep = new boolean[losses.length];
    Arrays.fill(keep, true);
    JobProgress fit = null;
    double hint = exponentHint;
    for (int round = 0; round <= REFITS; round++) {
      JobProgress next = fitKept(setting, losses, settings, family, keep, hint);
      if (next == null) {
        return Optional.ofNullable(fit);
      }
      fit = next;
      hint = fit.power();
      double[] residuals = fit.logResiduals(setting, losses, settings);
      boolean[] k2 = Segments.keep(residuals, MAD_CUTOFF, 1e-9);
      if (Arrays.equals(k2, keep) || Segments.count(k2) < settings + 3) {
        break;
      }
      keep = k2;
    }
    return Optional.of(fit);
  }

  /**
   * Root-mean-square error of held-out losses when fitting the first {@code 1 - holdout} of the
   * clocks.
   */
  public static Map<Family, Double> heldOutErrors(
      int[] setting, double[] losses, int settings, double holdout) {
    return heldOutErrors(setting, losses, settings, holdout, Double.NaN);
  }

  /**
   * As {@link #heldOutErrors(int[], double[], int, double)}, the power family searched first near
   * {@code exponentHint}.
   */
  public static Map<Family, Double> heldOutErrors(
      int[] setting, double[] losses, int settings, double holdout, double exponentHint) {
    validate(setting, losses, settings);
    int train = (int) Math.round(losses.length * (1 - holdout));
    Map<Family, Double> out = new EnumMap<>(Family.class);
    for (Family f : Family.values()) {
      Optional<JobProgress> fit =
          train < 4 || train >= losses.length
              ? Optional.empty()
              : fit(
                  Arrays.copyOf(setting, train),
                  Arrays.copyOf(losses, train),
                  settings,
                  f,
                  exponentHint);
      if (fit.isEmpty()) {
        out.put(f, Double.NaN);
        continue;
      }
      double[] predicted = fit.get().predict(setting, settings);
      double sum = 0;
      for (int i = train; i < losses.length; i++) {
        double r = predicted[i] - losses[i];
        sum += r * r;
      }
      out.put(f, Math.sqrt(sum / (losses.length - train)));
    }
    return out;
  }

  public Family family() {
    return family;
  }

  /** The fitted curve of the family. */
  CurveFamily curve() {
    return curve;
  }

  /**
   * z-units per iteration of setting {@code s} (NaN if it ran no clock; <= 0 means no progress).
   */
  public double rate(int s) {
    return rates[s];
  }

  public double rmse() {
    return rmse;
  }

  public int outliersDropped() {
    return dropped;
  }

  /** The curve's floor: b2 for Optimus' and the power family, 0 for the paper's. */
  public double floor() {
    return curve.floor();
  }

  /** Whether the power family's exponent is at (within 1% of) one of its bounds, 0.2 and 10. */
  public boolean atBound() {
    double p = power();
    return family == Family.POWER && (p < MIN_POWER * 1.01 || p > MAX_POWER * 0.99);
  }

  /** The power family's exponent p (z = (l - b2)^(-p)); 1 for Optimus, NaN for the paper's. */
  public double power() {
    return curve instanceof CurveFamily.Power w ? w.p() : Double.NaN;
  }

  /**
   * Iterations setting {@code s} needs from loss {@code from} to the target: infinite if it makes
   * no progress or the target is below the curve's floor; 0 if already there.
   */
  public double remainingIterations(int s, double from, Target target) {
    double a = rates[s];
    if (!(a > 0)) {
      return Double.POSITIVE_INFINITY;
    }
    if (target.hasLoss()) {
      if (target.loss() <= curve.floor()) {
        return Double.POSITIVE_INFINITY;
      }
      return Math.max(0, (z(target.loss()) - z(Math.max(from, curve.floor() + 1e-12))) / a);
    }
    ProgressFit view = view(a, from);
    double k = ProgressEstimator.convergenceIteration(view, 0, target.threshold(), target.window());
    return k;
  }

  /**
   * The curve of setting {@code s} from loss {@code from} at iteration 0, as a {@link ProgressFit}.
   */
  public ProgressFit view(int s, double from) {
    return view(rates[s], from);
  }

  private ProgressFit view(double a, double from) {
    double z0 = z(from);
    String name = family.name().toLowerCase(java.util.Locale.ROOT) + "-job";
    double err = rmse;
    return new ProgressFit() {
      @Override
      public String model() {
        return name;
      }

      @Override
      public double lossAt(double iteration) {
        return loss(z0 + a * iteration);
      }

      @Override
      public double iterationAt(double targetLoss) {
        if (targetLoss <= curve.floor() || !(a > 0)) {
          return Double.POSITIVE_INFINITY;
        }
        return (z(targetLoss) - z0) / a;
      }

      @Override
      public double rmse() {
        return err;
      }

      @Override
      public int outliersDropped() {
        return dropped;
      }
    };
  }

  /** z of a loss under this fit's curve ({@link CurveFamily#z}). */
  double z(double l) {
    return curve.z(l);
  }

  /** The loss at z ({@link CurveFamily#loss}). */
  double loss(double z) {
    return curve.loss(z);
  }

  double[] predict(int[] setting, int settings) {
    double[] out = new double[setting.length];
    double z = c;
    for (int i = 0; i < setting.length; i++) {
      double a = rates[setting[i]];
      if (Double.isFinite(a)) {
        z += a;
      }
      out[i] = loss(z);
    }
    return out;
  }

  private double[] logResiduals(int[] setting, double[] losses, int settings) {
    double[] p = predict(setting, settings);
    double[] r = new double[losses.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = Math.log(losses[i] / p[i]);
    }
    return r;
  }

  private static JobProgress fitKept(
      int[] setting, double[] losses, int settings, Family family, boolean[] keep, double hint) {
    double max = 0;
    double min = Double.POSITIVE_INFINITY;
    for (int i = 0; i < losses.length; i++) {
      if (keep[i]) {
        max = Math.max(max, losses[i]);
        min = Math.min(min, losses[i]);
      }
    }
    JobDesign design = JobDesign.of(setting, losses, settings, keep);
    if (design == null) {
      return null;
    }
    return family.search(design, max, min, hint);
  }

  private static void validate(int[] setting, double[] losses, int settings) {
    if (setting == null || losses == null || setting.length != losses.length) {
      throw new IllegalArgumentException(
          "Settings and losses differ in length: "
              + (setting == null ? "null" : setting.length)
              + " vs "
              + (losses == null ? "null" : losses.length)
              + " (must be one setting index per loss)");
    }
    for (int i = 0; i < losses.length; i++) {
      if (setting[i] < 0 || setting[i] >= settings) {
        throw new IllegalArgumentException(
            "Invalid setting index at clock "
                + i
                + ": "
                + setting[i]
                + " (must be 0 .. "
                + (settings - 1)
                + ")");
      }
      if (!(losses[i] > 0 && Double.isFinite(losses[i]))) {
        throw new IllegalArgumentException(
            "Invalid loss at clock " + i + ": " + losses[i] + " (must be a finite number > 0)");
      }
    }
  }
}
