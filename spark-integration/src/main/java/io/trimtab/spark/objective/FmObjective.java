package io.trimtab.spark.objective;

import java.util.SplittableRandom;

/**
 * Factorization machines of degree 2 (Rendle, "Factorization Machines", ICDM 2010): for a row x,
 * {@code y(x) = w0 + sum_i w_i x_i + sum_{i<j} <v_i, v_j> x_i x_j}, computed in O(k nnz) as {@code
 * w0 + sum_i w_i x_i + 1/2 sum_f ((sum_i v_if x_i)^2 - sum_i v_if^2 x_i^2)}. With one-hot user and
 * item features this is biased matrix factorization.
 *
 * <p>Layout: width {@code 1 + k}; key {@code i < numFeatures} holds {@code (w_i, v_i1 .. v_ik)},
 * key {@code numFeatures} holds {@code w0} (and k unused zeros). The factors start from a normal of
 * standard deviation {@code initStd}: at all-zero factors their gradient vanishes.
 *
 * <p>Losses: {@code squared}, {@code (y(x) - label)^2} (the mean is the MSE); {@code logistic}, the
 * log-loss of {@code sigmoid(y(x))} for labels 0/1.
 */
public final class FmObjective implements Objective {
  private static final long serialVersionUID = 1L;

  /** The training loss. */
  public enum Loss {
    SQUARED,
    LOGISTIC;

    public static Loss parse(String name) {
      for (Loss l : values()) {
        if (l.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
          return l;
        }
      }
      throw new IllegalArgumentException(
          "Unknown loss: '" + name + "' (expected squared or logistic)");
    }
  }

  private final int factors;
  private final Loss loss;
  private final double initStd;

  public FmObjective(int factors, Loss loss, double initStd) {
    if (factors < 1 || factors >= io.trimtab.ps.TableSpec.MAX_WIDTH) {
      throw new IllegalArgumentException(
          "Invalid factor size: "
              + factors
              + " (must be 1 .. "
              + (io.trimtab.ps.TableSpec.MAX_WIDTH - 1)
              + ")");
    }
    this.factors = factors;
    this.loss = loss;
    this.initStd = initStd;
  }

  @Override
  public String name() {
    return loss == Loss.SQUARED ? "fm-squared" : "fm-logistic";
  }

  @Override
  public int width() {
    return 1 + factors;
  }

  @Override
  public String labelProblem(double label) {
    if (loss == Loss.LOGISTIC) {
      return label == 0.0 || label == 1.0 ? null : "expected 0 or 1 with the logistic loss";
    }
    return Double.isFinite(label) ? null : "expected a finite number";
  }

  @Override
  public double gradient(MiniBatch batch, double[] w, double[] grad) {
    int width = 1 + factors;
    int bias = w.length - width;
    int[] start = batch.rowStart();
    int[] pos = batch.positions();
    double[] val = batch.values();
    double[] labels = batch.labels();
    double[] sum = new double[factors];
    double total = 0;
    for (int r = 0; r < labels.length; r++) {
      double y = score(w, bias, width, start[r], start[r + 1], pos, val, sum);
      double g;
      if (loss == Loss.SQUARED) {
        double e = y - labels[r];
        total += e * e;
        g = 2 * e;
      } else {
        total += LogisticLoss.loss(labels[r], y);
        g = LogisticLoss.sigmoid(y) - labels[r];
      }
      grad[bias] += g;
      for (int j = start[r]; j < start[r + 1]; j++) {
        int o = pos[j] * width;
        double x = val[j];
        grad[o] += g * x;
        for (int f = 0; f < factors; f++) {
          grad[o + 1 + f] += g * x * (sum[f] - w[o + 1 + f] * x);
        }
      }
    }
    return total;
  }

  /**
   * The FM output of one row whose non-zeros are {@code lo..hi} of ({@code pos}, {@code val});
   * leaves {@code sum_i v_if x_i} in {@code sum}.
   */
  public static double score(
      double[] w, int bias, int width, int lo, int hi, int[] pos, double[] val, double[] sum) {
    int k = width - 1;
    java.util.Arrays.fill(sum, 0);
    double y = w[bias];
    double squares = 0;
    for (int j = lo; j < hi; j++) {
      int o = pos[j] * width;
      double x = val[j];
      y += w[o] * x;
      for (int f = 0; f < k; f++) {
        double vx = w[o + 1 + f] * x;
        sum[f] += vx;
        squares += vx * vx;
      }
    }
    double pairs = 0;
    for (int f = 0; f < k; f++) {
      pairs += sum[f] * sum[f];
    }
    return y + 0.5 * (pairs - squares);
  }

  @Override
  public boolean startsFromValues() {
    return true;
  }

  @Override
  public double[] initialValues(int numFeatures, long seed) {
    int width = 1 + factors;
    double[] v = new double[(numFeatures + 1) * width];
    SplittableRandom rnd = new SplittableRandom(seed ^ 0x5DEECE66DL);
    for (int i = 0; i < numFeatures; i++) {
      for (int f = 1; f < width; f++) {
        v[i * width + f] = initStd * rnd.nextGaussian();
      }
    }
    return v;
  }

  @Override
  public String describe(long numFeatures) {
    return "Factorization machine, "
        + factors
        + " factors, "
        + loss.name().toLowerCase(java.util.Locale.ROOT)
        + " loss, "
        + numFeatures
        + " features";
  }
}
