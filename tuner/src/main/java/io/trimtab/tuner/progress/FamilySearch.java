package io.trimtab.tuner.progress;

import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;
import org.apache.commons.math3.optim.univariate.UnivariatePointValuePair;

/**
 * The parameter searches of the whole-job fit's families with a floor: Optimus' floor by Brent's
 * method; the power family's floor and exponent by nested Brent searches, each trial solved as a
 * least-squares problem on one {@link JobDesign}. Stateless.
 */
final class FamilySearch {
  /**
   * Tolerance of the search for ln p (relative and absolute): p within about 0.1% (the floor moves
   * with it).
   */
  private static final double EXPONENT_TOLERANCE = 1e-3;

  /** The exponent is first searched within this factor of a previous fit's. */
  private static final double HINT_SPAN = 1.5;

  /** Clocks the power family's exponent and floor are searched on at most. */
  private static final int SEARCH_POINTS = 100;

  private FamilySearch() {}

  /** Optimus' fit with the floor in [0, top) that fits best, or null. */
  static JobProgress optimus(JobDesign design, double top) {
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
                        JobProgress f =
                            design.fit(JobProgress.Family.OPTIMUS, CurveFamily.optimus(b));
                        return f == null ? Double.MAX_VALUE : f.rmse();
                      }));
    } catch (MathIllegalArgumentException e) {
      return null;
    }
    return design.fit(JobProgress.Family.OPTIMUS, CurveFamily.optimus(best.getPoint()));
  }

  /**
   * The power family's fit: for each exponent the best floor in [0, top) (Brent), and the best
   * exponent (Brent on ln p), searched on at most {@value #SEARCH_POINTS} of the kept clocks
   * (evenly spread), then solved on all of them; null if none.
   */
  static JobProgress power(JobDesign design, double top, double hint) {
    JobDesign searched = thinned(design);
    double lo = Math.log(JobProgress.MIN_POWER);
    double hi = Math.log(JobProgress.MAX_POWER);
    Double lnP = null;
    if (hint > JobProgress.MIN_POWER && hint < JobProgress.MAX_POWER) {
      double a = Math.max(lo, Math.log(hint / HINT_SPAN));
      double b = Math.min(hi, Math.log(hint * HINT_SPAN));
      Double near = bestExponent(searched, top, a, b);
      boolean atEdge =
          near != null
              && (near - a < 2 * EXPONENT_TOLERANCE && a > lo
                  || b - near < 2 * EXPONENT_TOLERANCE && b < hi);
      lnP = atEdge ? null : near;
    }
    if (lnP == null) {
      lnP = bestExponent(searched, top, lo, hi);
    }
    if (lnP == null) {
      return null;
    }
    JobProgress best = bestFloor(searched, top, Math.exp(lnP));
    return best == null
        ? null
        : searched == design ? best : design.fit(JobProgress.Family.POWER, best.curve());
  }

  /**
   * The design the power family's parameters are searched on: the kept clocks thinned evenly to at
   * most {@value #SEARCH_POINTS} (a clock's count of iterations per setting is still its place in
   * the whole job). The nested search solves the least-squares problem a few hundred times, and on
   * every clock it would be most of the tuner's own cost.
   */
  private static JobDesign thinned(JobDesign all) {
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
    JobDesign d = JobDesign.of(all.setting, all.losses, all.settings, some);
    return d != null ? d : all;
  }

  /**
   * ln p of the power family's best exponent in [e^lo, e^hi] (each with its best floor), null if
   * none.
   */
  private static Double bestExponent(JobDesign searched, double top, double lo, double hi) {
    try {
      return new BrentOptimizer(EXPONENT_TOLERANCE, EXPONENT_TOLERANCE)
          .optimize(
              new MaxEval(100),
              GoalType.MINIMIZE,
              new SearchInterval(lo, hi, 0.5 * (lo + hi)),
              new UnivariateObjectiveFunction(
                  lnP -> {
                    JobProgress f = bestFloor(searched, top, Math.exp(lnP));
                    return f == null ? Double.MAX_VALUE : f.rmse();
                  }))
          .getPoint();
    } catch (MathIllegalArgumentException | MathIllegalStateException e) {
      return null;
    }
  }

  /** The power family's fit with exponent {@code p} and the floor in [0, top) that fits best. */
  private static JobProgress bestFloor(JobDesign design, double top, double p) {
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
                        JobProgress f =
                            design.fit(JobProgress.Family.POWER, CurveFamily.power(b, p));
                        return f == null ? Double.MAX_VALUE : f.rmse();
                      }));
    } catch (MathIllegalArgumentException | MathIllegalStateException e) {
      return null;
    }
    return design.fit(JobProgress.Family.POWER, CurveFamily.power(best.getPoint(), p));
  }
}
