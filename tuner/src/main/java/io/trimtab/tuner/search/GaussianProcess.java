package io.trimtab.tuner.search;

import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.analysis.MultivariateFunction;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.NonSymmetricMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.SimpleBounds;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.BOBYQAOptimizer;

// Over 400 lines: fit, posterior and kernel share one private Cholesky factor.
/**
 * Gaussian-process regression with an ARD Matérn-5/2 kernel, for small data sets (a few hundred
 * points at most) on inputs encoded in [0,1]^d. Immutable.
 *
 * <p>Design note. The model follows Rasmussen &amp; Williams, "Gaussian Processes for Machine
 * Learning" (2006): the posterior mean and variance of ch. 2 (Algorithm 2.1, via a Cholesky factor
 * of K + σn²I), the Matérn-5/2 covariance of ch. 4 with one length scale per input dimension
 * (automatic relevance determination), and type-II maximum likelihood for the hyper-parameters (ch.
 * 5). Matérn-5/2 rather than the squared exponential follows Snoek et al. (2012): it assumes
 * twice-differentiable rather than infinitely smooth functions. Outputs are standardized (mean 0,
 * sd 1) before fitting, so the hyper-parameter bounds are unit-free: length scales in [0.05, 5]
 * (inputs span [0,1]), signal variance in [0.05, 20], noise variance in [1e-6, 1]. The log marginal
 * likelihood is maximized over the log-parameters with BOBYQA (derivative-free, bounded) from a
 * default start and {@value #RANDOM_STARTS} seeded random start; the best point any start evaluated
 * wins. If a Cholesky factorization fails the diagonal gets a growing jitter (1e-8 to 1e-2 times
 * the signal variance) before the parameters are given up. Inputs outside [0,1] are accepted, but
 * the length-scale bounds assume the unit cube.
 */
public final class GaussianProcess {
  static final double MIN_LENGTH = 0.05;
  static final double MAX_LENGTH = 5;
  static final double MIN_SIGNAL = 0.05;
  static final double MAX_SIGNAL = 20;
  static final double MIN_NOISE = 1e-6;
  static final double MAX_NOISE = 1;

  /**
   * Random restarts of the likelihood maximization besides the default start, and its precision
   * (trust-region radius in log hyper-parameter units at which BOBYQA stops): on the small data
   * sets the tuner fits, one restart at a coarse radius reaches the same likelihood as several at a
   * fine one, at a fraction of the cost (docs/design-notes.md, "Tuner").
   */
  private static final int RANDOM_STARTS = 1;

  private static final double STOP_RADIUS = 1e-2;
  private static final int MAX_EVALUATIONS = 1500;
  private static final double[] JITTER = {0, 1e-8, 1e-6, 1e-4, 1e-2};
  private static final double SQRT5 = Math.sqrt(5);

  private final double[][] x;
  private final double yMean;
  private final double ySd;
  private final double[] lengthScales;
  private final double signalVariance;
  private final double noiseVariance;
  private final Factor factor;

  /** A Cholesky factorization of K + (σn² + jitter)I and what follows from it. */
  private record Factor(
      DecompositionSolver solver, double[] alpha, double logLikelihood, double jitter) {}

  private GaussianProcess(
      double[][] x,
      double yMean,
      double ySd,
      double[] lengthScales,
      double signalVariance,
      double noiseVariance,
      Factor factor) {
    this.x = x;
    this.yMean = yMean;
    this.ySd = ySd;
    this.lengthScales = lengthScales;
    this.signalVariance = signalVariance;
    this.noiseVariance = noiseVariance;
    this.factor = factor;
  }

  /**
   * Fits a GP to {@code y} at {@code x} (n points of d coordinates, ideally in [0,1]), choosing the
   * hyper-parameters by maximum marginal likelihood. The same data and seed give the same model.
   */
  public static GaussianProcess fit(double[][] x, double[] y, long seed) {
    double[][] xs = checkInputs(x, y);
    int d = xs[0].length;
    double yMean = mean(y);
    double ySd = sd(y, yMean);
    double[] z = standardize(y, yMean, ySd);
    double[] lower = new double[d + 2];
    double[] upper = new double[d + 2];
    Arrays.fill(lower, 0, d, Math.log(MIN_LENGTH));
    Arrays.fill(upper, 0, d, Math.log(MAX_LENGTH));
    lower[d] = Math.log(MIN_SIGNAL);
    upper[d] = Math.log(MAX_SIGNAL);
    lower[d + 1] = Math.log(MIN_NOISE);
    upper[d + 1] = Math.log(MAX_NOISE);
    double[] best = {Double.NEGATIVE_INFINITY};
    double[][] bestTheta = {null};
    MultivariateFunction objective =
        theta -> {
          Factor f = factor(xs, z, exp(theta, 0, d), Math.exp(theta[d]), Math.exp(theta[d + 1]));
          double v = f == null ? Double.NEGATIVE_INFINITY : f.logLikelihood();
          if (v > best[0]) {
            best[0] = v;
            bestTheta[0] = theta.clone();
          }
          return Double.isFinite(v) ? v : -1e10;
        };
    Random random = new Random(seed);
    for (int start = 0; start <= RANDOM_STARTS; start++) {
      double[] guess = new double[d + 2];
      if (start == 0) {
        Arrays.fill(guess, 0, d, Math.log(0.5));
        guess[d] = 0;
        guess[d + 1] = Math.log(1e-2);
      } else {
        for (int k = 0; k < d; k++) {
          guess[k] = uniform(random, Math.log(0.1), Math.log(2));
        }
        guess[d] = uniform(random, Math.log(0.2), Math.log(5));
        guess[d + 1] = uniform(random, lower[d + 1], Math.log(0.1));
      }
      for (int k = 0; k < guess.length; k++) {
        guess[k] = Math.max(lower[k], Math.min(upper[k], guess[k]));
      }
      try {
        new BOBYQAOptimizer(2 * (d + 2) + 1, 1.0, STOP_RADIUS)
            .optimize(
                new MaxEval(MAX_EVALUATIONS),
                new ObjectiveFunction(objective),
                GoalType.MAXIMIZE,
                new InitialGuess(guess),
                new SimpleBounds(lower, upper));
      } catch (MathIllegalStateException e) {
        // evaluation budget spent or a degenerate trust region: the best point seen so far still
        // counts
      }
    }
    if (bestTheta[0] == null) {
      throw new IllegalStateException(
          "Gaussian-process fit failed: no hyper-parameters give a positive-definite"
              + " covariance for "
              + xs.length
              + " points (even with jitter)");
    }
    double[] t = bestTheta[0];
    return build(xs, yMean, ySd, z, exp(t, 0, d), Math.exp(t[d]), Math.exp(t[d + 1]));
  }

  /**
   * A GP with the given hyper-parameters (no fitting), in standardized output units: useful as a
   * baseline and in tests.
   */
  public static GaussianProcess withHyperparameters(
      double[][] x,
      double[] y,
      double[] lengthScales,
      double signalVariance,
      double noiseVariance) {
    double[][] xs = checkInputs(x, y);
    if (lengthScales == null || lengthScales.length != xs[0].length) {
      throw new IllegalArgumentException(
          "Invalid length scales: "
              + Arrays.toString(lengthScales)
              + " (expected "
              + xs[0].length
              + ", one per input dimension)");
    }
    for (double l : lengthScales) {
      if (!(l > 0) || !Double.isFinite(l)) {
        throw new IllegalArgumentException("Invalid length scale: " + l + " (must be > 0)");
      }
    }
    if (!(signalVariance > 0) || !Double.isFinite(signalVariance)) {
      throw new IllegalArgumentException(
          "Invalid signal variance: " + signalVariance + " (must be > 0)");
    }
    if (!(noiseVariance >= 0) || !Double.isFinite(noiseVariance)) {
      throw new IllegalArgumentException(
          "Invalid noise variance: " + noiseVariance + " (must be >= 0)");
    }
    double yMean = mean(y);
    double ySd = sd(y, yMean);
    return build(
        xs,
        yMean,
        ySd,
        standardize(y, yMean, ySd),
        lengthScales.clone(),
        signalVariance,
        noiseVariance);
  }

  private static GaussianProcess build(
      double[][] x, double yMean, double ySd, double[] z, double[] ls, double sf2, double sn2) {
    Factor f = factor(x, z, ls, sf2, sn2);
    if (f == null) {
      throw new IllegalStateException(
          "Covariance matrix not positive definite even with jitter (length scales "
              + Arrays.toString(ls)
              + ", signal variance "
              + sf2
              + ", noise variance "
              + sn2
              + ")");
    }
    return new GaussianProcess(x, yMean, ySd, ls, sf2, sn2, f);
  }

  /**
   * Posterior mean and sd of the latent function at {@code point}, in the original output units.
   */
  public Prediction predict(double[] point) {
    if (point == null || point.length != x[0].length) {
      throw new IllegalArgumentException(
          "Invalid point: "
              + Arrays.toString(point)
              + " (expected "
              + x[0].length
              + " coordinates)");
    }
    checkFinite(point, "point");
    double[] k = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      k[i] = matern52(point, x[i], lengthScales, signalVariance);
    }
    ArrayRealVector ks = new ArrayRealVector(k, false);
    double mean = ks.dotProduct(new ArrayRealVector(factor.alpha(), false));
    double variance = signalVariance - ks.dotProduct(factor.solver().solve(ks));
    return new Prediction(yMean + ySd * mean, ySd * Math.sqrt(Math.max(variance, 0)));
  }

  /** Length scales, one per input dimension, in input units. */
  public double[] lengthScales() {
    return lengthScales.clone();
  }

  /** Signal (kernel) variance, in standardized output units. */
  public double signalVariance() {
    return signalVariance;
  }

  /** Observation-noise variance, in standardized output units (without any jitter added). */
  public double noiseVariance() {
    return noiseVariance;
  }

  /** Log marginal likelihood of the standardized outputs under the model's hyper-parameters. */
  public double logMarginalLikelihood() {
    return factor.logLikelihood();
  }

  /** Number of training points. */
  public int size() {
    return x.length;
  }

  /** Number of input dimensions. */
  public int dimensions() {
    return x[0].length;
  }

  /** The jitter added to the diagonal to factor the covariance (0 if none was needed). */
  public double jitter() {
    return factor.jitter();
  }

  static double matern52(double[] a, double[] b, double[] ls, double sf2) {
    double r2 = 0;
    for (int k = 0; k < a.length; k++) {
      double d = (a[k] - b[k]) / ls[k];
      r2 += d * d;
    }
    double r = SQRT5 * Math.sqrt(r2);
    return sf2 * (1 + r + r * r / 3) * Math.exp(-r);
  }

  private static Factor factor(double[][] x, double[] z, double[] ls, double sf2, double sn2) {
    int n = x.length;
    double[][] k = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        k[i][j] = k[j][i] = matern52(x[i], x[j], ls, sf2);
      }
    }
    for (double jitter : JITTER) {
      RealMatrix m = new Array2DRowRealMatrix(k, true);
      for (int i = 0; i < n; i++) {
        m.addToEntry(i, i, sn2 + jitter * sf2);
      }
      CholeskyDecomposition chol;
      try {
        chol = new CholeskyDecomposition(m);
      } catch (NonPositiveDefiniteMatrixException | NonSymmetricMatrixException e) {
        continue;
      }
      DecompositionSolver solver = chol.getSolver();
      double[] alpha = solver.solve(new ArrayRealVector(z, false)).toArray();
      RealMatrix l = chol.getL();
      double ll = -0.5 * n * Math.log(2 * Math.PI);
      for (int i = 0; i < n; i++) {
        ll += -0.5 * z[i] * alpha[i] - Math.log(l.getEntry(i, i));
      }
      if (Double.isFinite(ll)) {
        return new Factor(solver, alpha, ll, jitter * sf2);
      }
    }
    return null;
  }

  private static double[][] checkInputs(double[][] x, double[] y) {
    if (x == null || y == null || x.length == 0) {
      throw new IllegalArgumentException(
          "No training data: "
              + (x == null ? "null" : x.length + " points")
              + " (expected at least 1 point)");
    }
    if (y.length != x.length) {
      throw new IllegalArgumentException(
          "Mismatched training data: "
              + x.length
              + " points but "
              + y.length
              + " outputs (expected one output per point)");
    }
    int d = x[0] == null ? 0 : x[0].length;
    if (d == 0) {
      throw new IllegalArgumentException(
          "Invalid training point 0: "
              + Arrays.toString(x[0])
              + " (expected at least 1 coordinate)");
    }
    double[][] copy = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      if (x[i] == null || x[i].length != d) {
        throw new IllegalArgumentException(
            "Ragged training data: point "
                + i
                + " has "
                + (x[i] == null ? "no" : String.valueOf(x[i].length))
                + " coordinates (expected "
                + d
                + ")");
      }
      checkFinite(x[i], "training point " + i);
      copy[i] = x[i].clone();
    }
    checkFinite(y, "outputs");
    return copy;
  }

  private static void checkFinite(double[] v, String what) {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException(
            "Invalid value in " + what + " at index " + i + ": " + v[i] + " (must be finite)");
      }
    }
  }

  private static double mean(double[] y) {
    return Arrays.stream(y).average().orElse(0);
  }

  /**
   * Sample sd; 1 if undefined or 0 (a single point or constant outputs), so standardizing only
   * centers.
   */
  private static double sd(double[] y, double mean) {
    if (y.length < 2) {
      return 1;
    }
    double ss = 0;
    for (double v : y) {
      ss += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(ss / (y.length - 1));
    return sd > 1e-12 * Math.max(1, Math.abs(mean)) ? sd : 1;
  }

  private static double[] standardize(double[] y, double mean, double sd) {
    return Arrays.stream(y).map(v -> (v - mean) / sd).toArray();
  }

  private static double[] exp(double[] theta, int from, int to) {
    return Arrays.stream(theta, from, to).map(Math::exp).toArray();
  }

  private static double uniform(Random random, double lo, double hi) {
    return lo + (hi - lo) * random.nextDouble();
  }
}
