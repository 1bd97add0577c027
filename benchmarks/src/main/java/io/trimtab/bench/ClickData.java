package io.trimtab.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded synthetic click-style data for sparse logistic regression, generated deterministically and
 * never downloaded: each row has {@code nnz} distinct binary hashed features drawn from a power-law
 * (Zipf, exponent {@code s}) over {@code 2^bits} features, and a label drawn from a known true
 * model (weights ~ N(0, 1) per feature, intercept -1.5, so about one row in four is a click). Row i
 * is a pure function of (seed, i), so Spark partitions and a local loop see the same rows.
 */
public final class ClickData {
  private final int bits;
  private final int nnz;
  private final long seed;
  private final double[] cdf;
  private final double[] trueWeights;
  private static final double TRUE_INTERCEPT = -1.5;

  public ClickData(int bits, int nnz, double zipfExponent, long seed) {
    if (bits < 4 || bits > 26) {
      throw new IllegalArgumentException("Invalid feature bits: " + bits + " (expected 4 .. 26)");
    }
    if (nnz < 1 || nnz > (1 << bits) / 4) {
      throw new IllegalArgumentException(
          "Invalid non-zeros per row: " + nnz + " (expected 1 .. 2^bits/4)");
    }
    this.bits = bits;
    this.nnz = nnz;
    this.seed = seed;
    int d = 1 << bits;
    cdf = new double[d];
    double sum = 0;
    for (int k = 0; k < d; k++) {
      sum += 1.0 / Math.pow(k + 1, zipfExponent);
      cdf[k] = sum;
    }
    for (int k = 0; k < d; k++) {
      cdf[k] /= sum;
    }
    trueWeights = new double[d];
    SplittableRandom rnd = new SplittableRandom(seed);
    for (int k = 0; k < d; k++) {
      trueWeights[k] = gaussian(rnd) * 0.7;
    }
  }

  public int numFeatures() {
    return 1 << bits;
  }

  /**
   * Row {@code i}: sorted feature indices (values all 1) and the label, written into {@code idx};
   * returns the label.
   */
  public double row(long i, int[] idx) {
    SplittableRandom rnd =
        new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
    int d = 1 << bits;
    int n = 0;
    while (n < nnz) {
      int rank = Arrays.binarySearch(cdf, rnd.nextDouble());
      rank = rank >= 0 ? rank : Math.min(-rank - 1, d - 1);
      // scatter ranks over the index space like a feature hash would
      int f = (int) ((rank * 0x9E3779B1L) & (d - 1));
      boolean dup = false;
      for (int j = 0; j < n; j++) {
        if (idx[j] == f) {
          dup = true;
          break;
        }
      }
      if (!dup) {
        idx[n++] = f;
      }
    }
    Arrays.sort(idx, 0, nnz);
    double z = TRUE_INTERCEPT;
    for (int j = 0; j < nnz; j++) {
      z += trueWeights[idx[j]];
    }
    return rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1.0 : 0.0;
  }

  public int nnz() {
    return nnz;
  }

  private static double gaussian(SplittableRandom rnd) {
    double u = Math.max(rnd.nextDouble(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
  }

  @Override
  public String toString() {
    return "synthetic clicks: 2^"
        + bits
        + " hashed binary features, "
        + nnz
        + " per row, Zipf power-law frequencies, "
        + "known true weights, seed "
        + seed;
  }
}
