package io.trimtab.tuner.progress;

import java.util.Arrays;
import org.apache.commons.math3.exception.MathIllegalArgumentException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.QRDecomposition;

/**
 * The least-squares problem of one set of kept clocks: z(l_i) on the clocks run under each setting
 * so far. Its design (the clock counts) does not depend on the family's parameters, so it is
 * decomposed once (commons-math3 QR, as its OLS regression does) and solved for each transform the
 * Brent searches try: the searches evaluate hundreds of floors and exponents per fit.
 */
final class JobDesign {
  final int[] setting;
  final double[] losses;
  final int settings;
  final boolean[] keep;
  final int rows;
  final int[] used;
  final DecompositionSolver solver;

  private JobDesign(
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
  static JobDesign of(int[] setting, double[] losses, int settings, boolean[] keep) {
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
    return new JobDesign(setting, losses, settings, keep, rows, used, solver);
  }

  /** The fit for one transform; null if it is not finite. */
  JobProgress fit(JobProgress.Family family, CurveFamily curve) {
    double[] y = new double[rows];
    for (int i = 0, r = 0; i < losses.length; i++) {
      if (keep[i]) {
        y[r++] = curve.z(losses[i]);
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
    JobProgress fit = new JobProgress(family, curve, beta[0], rates, 0, losses.length - rows);
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
        curve,
        beta[0],
        rates,
        Double.isFinite(rmse) ? rmse : Double.MAX_VALUE,
        losses.length - rows);
  }
}
