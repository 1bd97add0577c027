package io.trimtab.tuner.progress;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;

/**
 * The whole job's loss curve under several settings, with one progress rate per setting: the
 * statistical efficiency the tuner compares settings by, measured across phases of training.
 *
 * <p>Design note. Both curve families of this package become linear in a transform z of the loss:
 * the paper's k(l) = (h/l) ln(d/l) + j0 is k = j0 + h z with z = (1/l) ln(d/l) (d the job's largest
 * loss), and Optimus' l = 1/(b0 k + b1) + b2 is z = 1/(l - b2) = b0 k + b1. If each iteration under
 * setting s moves z by its own rate a_s (a setting that makes less progress per iteration, e.g. a
 * stale one, has a smaller rate), then at clock i, z(l_i) = c + sum_s a_s n_s(i), n_s(i) being the
 * clocks run under s so far: a linear least-squares problem (commons-math3 QR), with b2 found by
 * Brent's method for Optimus. The power family z = (l - b2)^(-p) generalizes Optimus' (p = 1); its
 * floor and exponent are found by nested Brent searches. Fitting every segment jointly compares
 * settings measured at different phases of training on one curve, where separate per-segment fits
 * extrapolate each from its own phase (and mis-rank settings measured a few epochs apart). Outliers
 * are dropped by median absolute deviation of the log-loss residuals, as in the per-segment fits.
 *
 * <p>Immutable. Remaining iterations of setting s from loss l to a target T: (z(T) - z(l)) / a_s.
 */
public final class JobProgress {
  private static final double MAD_CUTOFF = 3;
  private static final int REFITS = 3;

  /** Curve families, as in {@link ProgressModel#paper()} and {@link ProgressModel#optimus()}. */
  public enum Family {
    PAPER,
    OPTIMUS,
    /**
     * Power law with a floor, l = b2 + (b0 k + b1)^(-1/p), so z = (l - b2)^(-p): Optimus' family is
     * p = 1. Logistic regression's training loss falls like k^(-1/p) with p of 1.5-6 on the
     * recorded grids, which neither the paper's family (too fast) nor Optimus' (floor too high)
     * extrapolates from a few epochs.
     */
    POWER
  }

  /** Exponents p the power family may take. */
  private static final double MIN_POWER = 0.2;

  private static final double MAX_POWER = 10;

  /**
   * Tolerance of the search for ln p (relative and absolute): p within about 0.1% (the floor moves
   * with it).
   */
  private static final double EXPONENT_TOLERANCE = 1e-3;

  /** The exponent is first searched within this factor of a previous fit's. */
  private static final double HINT_SPAN = 1.5;

  /** Clocks the power family's exponent and floor are searched on at most. */
  private static final int SEARCH_POINTS = 100;

  private final Family family;
  private final double d;
  private final double b2;
  private final double p;
  private final double c;
  private final double[] rates;
  private final double rmse;
  private final int dropped;

  private JobProgress(
      Family family,
      double d,
      double b2,
      double p,
      double c,
      double[] rates,
      double rmse,
      int dropped) {
    this.family = family;
    this.d = d;
    this.b2 = b2;
    this.p = p;
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
      hint = fit.p;
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
    return b2;
  }

  /** Whether the power family's exponent is at (within 1% of) one of its bounds, 0.2 and 10. */
  public boolean atBound() {
    return family == Family.POWER && (p < MIN_POWER * 1.01 || p > MAX_POWER * 0.99);
  }

  /** The power family's exponent p (z = (l - b2)^(-p)); 1 for Optimus, NaN for the paper's. */
  public double power() {
    return p;
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
      if (target.loss() <= b2) {
        return Double.POSITIVE_INFINITY;
      }
      return Math.max(0, (z(target.loss()) - z(Math.max(from, b2 + 1e-12))) / a);
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
        if (targetLoss <= b2 || !(a > 0)) {
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

  /**
   * z of a loss: (1/l) ln(d/l) for the paper's family, (l - b2)^(-p) for Optimus' (p = 1) and the
   * power family.
   */
  double z(double l) {
    if (family == Family.PAPER) {
      return Math.log(d / l) / l;
    }
    return p == 1 ? 1 / (l - b2) : Math.exp(-p * Math.log(l - b2));
  }

  /** The loss at z (inverse of {@link #z}, on the branch l <= d for the paper's family). */
  double loss(double z) {
    if (family != Family.PAPER) {
      return z > 0 ? b2 + (p == 1 ? 1 / z : Math.exp(-Math.log(z) / p)) : Double.POSITIVE_INFINITY;
    }
    // z = ln(d/l)/l is decreasing in l on (0, d]: with u = ln(d/l), u e^u = d z, so u = W0(d z)
    if (z <= 0) {
      return d;
    }
    double x = d * z;
    if (x == Double.POSITIVE_INFINITY) {
      return 0;
    }
    return d * Math.exp(-lambertW0(x));
  }

  /**
   * The principal branch of Lambert's W at x > 0 (w e^w = x), by Newton's method on w + ln w = ln x
   * from ln(1 + x), an upper bound of W0; the function is concave in w, so after the first step the
   * iterates rise monotonically to the root (at most a few dozen steps, usually 3 to 6). It is
   * evaluated once per clock and fit, so it must be cheap: a bracketing solver would dominate the
   * fit's cost.
   */
  static double lambertW0(double x) {
    double lnx = Math.log(x);
    double w = Math.log1p(x);
    for (int i = 0; i < 100; i++) {
      double next = w - (w + Math.log(w) - lnx) * w / (w + 1);
      if (!(next > 0)) {
        next = 0.5 * w;
      }
      if (Math.abs(next - w) <= 1e-15 * w) {
        return next;
      }
      w = next;
    }
    return w;
  }

  private double[] predict(int[] setting, int settings) {
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
    Design design = Design.of(setting, losses, settings, keep);
    if (design == null) {
      return null;
    }
    if (family == Family.PAPER) {
      return design.fit(Family.PAPER, max, 0, Double.NaN);
    }
    double top = min * (1 - 1e-6);
    double d = max;
    if (family == Family.OPTIMUS) {
      UnivariatePointValuePair best;
      try {
        best =
            new BrentOptimizer(1e-8, 1e-12)
                .optimize(
                    new MaxEval(200),
                    GoalType.MINIMIZE,
                    new SearchInterval(0, top, 0.5 * top),
                    new UnivariateObjectiveFunction(
                        b -> {
                          JobProgress f = design.fit(Family.OPTIMUS, d, b, 1);
                          return f == null ? Double.MAX_VALUE : f.rmse;
                        }));
      } catch (MathIllegalArgumentException e) {
        return null;
      }
      return design.fit(Family.OPTIMUS, d, best.getPoint(), 1);
    }
    // power family: for each exponent the best floor (Brent), and the best exponent (Brent on
    // ln p), searched on at most SEARCH_POINTS of the kept clocks (evenly spread), then solved on
    // all of them
    Design searched = thinned(design);
    double lo = Math.log(MIN_POWER);
    double hi = Math.log(MAX_POWER);
    Double lnP = null;
    if (hint > MIN_POWER && hint < MAX_POWER) {
      double a = Math.max(lo, Math.log(hint / HINT_SPAN));
      double b = Math.min(hi, Math.log(hint * HINT_SPAN));
      Double near = bestExponent(searched, d, top, a, b);
      boolean atEdge =
          near != null
              && (near - a < 2 * EXPONENT_TOLERANCE && a > lo
                  || b - near < 2 * EXPONENT_TOLERANCE && b < hi);
      lnP = atEdge ? null : near;
    }
    if (lnP == null) {
      lnP = bestExponent(searched, d, top, lo, hi);
    }
    if (lnP == null) {
      return null;
    }
    JobProgress best = bestFloor(searched, d, top, Math.exp(lnP));
    return best == null
        ? null
        : searched == design ? best : design.fit(Family.POWER, d, best.b2, best.p);
  }

  /**
   * The design the power family's parameters are searched on: the kept clocks thinned evenly to at
   * most {@value #SEARCH_POINTS} (a clock's count of iterations per setting is still its place in
   * the whole job). The nested search solves the least-squares problem a few hundred times, and on
   * every clock it would be most of the tuner's own cost.
   */
  private static Design thinned(Design all) {
    int kept = all.rows;
    if (kept <= SEARCH_POINTS) {
      return all;
    }
    boolean[] some = new boolean[all.keep.length];
    for (int i = 0, k = 0; i < some.length; i++) {
      if (all.keep[i]) {
        some[i] = (long) k * SEARCH_POINTS / kept != (long) (k + 1) * SEARCH_POINTS / kept;
        k++;
      }
    }
    Design d = Design.of(all.setting, all.losses, all.settings, some);
    return d != null ? d : all;
  }

  /**
   * ln p of the power family's best exponent in [e^lo, e^hi] (each with its best floor), null if
   * none.
   */
  private static Double bestExponent(Design searched, double d, double top, double lo, double hi) {
    try {
      return new BrentOptimizer(EXPONENT_TOLERANCE, EXPONENT_TOLERANCE)
          .optimize(
              new MaxEval(100),
              GoalType.MINIMIZE,
              new SearchInterval(lo, hi, 0.5 * (lo + hi)),
              new UnivariateObjectiveFunction(
                  lnP -> {
                    JobProgress f = bestFloor(searched, d, top, Math.exp(lnP));
                    return f == null ? Double.MAX_VALUE : f.rmse;
                  }))
          .getPoint();
    } catch (MathIllegalArgumentException | MathIllegalStateException e) {
      return null;
    }
  }

  /** The power family's fit with exponent {@code p} and the floor in [0, top) that fits best. */
  private static JobProgress bestFloor(Design design, double d, double top, double p) {
    UnivariatePointValuePair best;
    try {
      best =
          new BrentOptimizer(1e-5, 1e-9)
              .optimize(
                  new MaxEval(100),
                  GoalType.MINIMIZE,
                  new SearchInterval(0, top, 0.5 * top),
                  new UnivariateObjectiveFunction(
                      b -> {
                        JobProgress f = design.fit(Family.POWER, d, b, p);
                        return f == null ? Double.MAX_VALUE : f.rmse;
                      }));
    } catch (MathIllegalArgumentException | MathIllegalStateException e) {
      return null;
    }
    return design.fit(Family.POWER, d, best.getPoint(), p);
  }

  /**
   * The least-squares problem of one set of kept clocks: z(l_i) on the clocks run under each
   * setting so far. Its design (the clock counts) does not depend on the family's parameters, so it
   * is decomposed once (commons-math3 QR, as its OLS regression does) and solved for each transform
   * the Brent searches try: the searches evaluate hundreds of floors and exponents per fit.
   */
  private static final class Design {
    final int[] setting;
    final double[] losses;
    final int settings;
    final boolean[] keep;
    final int rows;
    final int[] used;
    final DecompositionSolver solver;

    private Design(
        int[] setting,
        double[] losses,
        int settings,
        boolean[] keep,
        int rows,
        int[] used,
        DecompositionSolver solver) {
      this.setting = setting;
      this.losses = losses;
      this.settings = settings;
      this.keep = keep;
      this.rows = rows;
      this.used = used;
      this.solver = solver;
    }

    /** The design of the kept clocks; null if too few points or singular. */
    static Design of(int[] setting, double[] losses, int settings, boolean[] keep) {
      int[] used = new int[settings];
      Arrays.fill(used, -1);
      int cols = 0;
      for (int i = 0; i < setting.length; i++) {
        if (keep[i] && used[setting[i]] < 0) {
          used[setting[i]] = cols++;
        }
      }
      int rows = Segments.count(keep);
      if (rows < cols + 3) {
        return null;
      }
      double[][] x = new double[rows][cols + 1];
      double[] n = new double[settings];
      for (int i = 0, r = 0; i < setting.length; i++) {
        n[setting[i]]++;
        if (!keep[i]) {
          continue;
        }
        x[r][0] = 1;
        for (int s = 0; s < settings; s++) {
          if (used[s] >= 0) {
            x[r][1 + used[s]] = n[s];
          }
        }
        r++;
      }
      DecompositionSolver solver =
          new QRDecomposition(new Array2DRowRealMatrix(x, false), 0).getSolver();
      if (!solver.isNonSingular()) {
        return null;
      }
      return new Design(setting, losses, settings, keep, rows, used, solver);
    }

    /** The fit for one transform; null if it is not finite. */
    JobProgress fit(Family family, double d, double b2, double p) {
      JobProgress shape = new JobProgress(family, d, b2, p, 0, new double[settings], 0, 0);
      double[] y = new double[rows];
      for (int i = 0, r = 0; i < losses.length; i++) {
        if (keep[i]) {
          y[r++] = shape.z(losses[i]);
        }
      }
      double[] beta;
      try {
        beta = solver.solve(new ArrayRealVector(y, false)).toArray();
      } catch (MathIllegalArgumentException e) { // singular design included
        return null;
      }
      double[] rates = new double[settings];
      Arrays.fill(rates, Double.NaN);
      for (int s = 0; s < settings; s++) {
        if (used[s] >= 0) {
          rates[s] = beta[1 + used[s]];
        }
      }
      JobProgress fit = new JobProgress(family, d, b2, p, beta[0], rates, 0, losses.length - rows);
      double[] predicted = fit.predict(setting, settings);
      double sum = 0;
      for (int i = 0; i < losses.length; i++) {
        if (keep[i]) {
          double r = predicted[i] - losses[i];
          sum += r * r;
        }
      }
      double rmse = Math.sqrt(sum / rows);
      return new JobProgress(
          family,
          d,
          b2,
          p,
          beta[0],
          rates,
          Double.isFinite(rmse) ? rmse : Double.MAX_VALUE,
          losses.length - rows);
    }
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
