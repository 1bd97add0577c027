package io.trimtab.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded synthetic clicks over a hashed space too wide for {@link ClickData}'s tables (its CDF and
 * true weights hold a double per feature, 2^26 at most): each row has {@code nnz} distinct binary
 * features whose ranks follow a power law (Zipf, exponent {@code s}, over {@code ranks} ranks,
 * sampled by inverting the continuous power law's CDF), each rank hashed to a feature of the {@code
 * 2^bits} space (the top bits of a multiplicative hash: distinct ranks spread over the whole
 * space), and a label drawn from a known true model whose weight of a rank is a pure function of
 * (seed, rank). Row i is a pure function of (seed, i): Spark partitions generate their own rows and
 * agree with a local loop; nothing is held per feature.
 */
public final class WideClickData {
  private static final double TRUE_INTERCEPT = -1.5;
  private final int bits;
  private final int nnz;
  private final long ranks;
  private final double s;
  private final long seed;

  /**
   * @param bits log2 of the hashed space, 4 .. 62
   * @param nnz features per row, 1 .. ranks / 4
   * @param ranks distinct ranks (features that can occur), >= 4
   * @param zipfExponent the power law's exponent, > 0 and not 1
   */
  public WideClickData(int bits, int nnz, long ranks, double zipfExponent, long seed) {
    if (bits < 4 || bits > 62) {
      throw new IllegalArgumentException("Invalid feature bits: " + bits + " (expected 4 .. 62)");
    }
    if (ranks < 4 || nnz < 1 || nnz > ranks / 4) {
      throw new IllegalArgumentException(
          "Invalid ranks "
              + ranks
              + " or non-zeros per row "
              + nnz
              + " (expected ranks >= 4 and 1 .. ranks/4 non-zeros)");
    }
    if (!(zipfExponent > 0) || zipfExponent == 1) {
      throw new IllegalArgumentException(
          "Invalid Zipf exponent: " + zipfExponent + " (expected > 0 and not 1)");
    }
    this.bits = bits;
    this.nnz = nnz;
    this.ranks = ranks;
    this.s = zipfExponent;
    this.seed = seed;
  }

  /** Size of the hashed space, 2^bits. */
  public long numFeatures() {
    return 1L << bits;
  }

  public int nnz() {
    return nnz;
  }

  /** The feature rank {@code r} (0-based) is hashed to. */
  long feature(long r) {
    return ((r + 1) * 0x9E3779B97F4A7C15L) >>> (64 - bits);
  }

  /** The true weight of rank {@code r}: N(0, 0.7^2), drawn from (seed, r). */
  double trueWeight(long r) {
    SplittableRandom rnd =
        new SplittableRandom(seed ^ (r * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L));
    double u = Math.max(rnd.nextDouble(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble()) * 0.7;
  }

  /** A rank by inverting the continuous power law x^-s on [1, ranks + 1): rank 0 most frequent. */
  long rank(double u) {
    double a = 1 - s;
    double top = Math.pow(ranks + 1.0, a);
    double x = Math.pow((top - 1) * u + 1, 1 / a);
    return Math.min(ranks - 1, Math.max(0, (long) x - 1));
  }

  /**
   * Row {@code i}: its sorted, distinct feature indices (values all 1) written into {@code idx}
   * ({@link #nnz} of them); returns the label.
   */
  public double row(long i, long[] idx) {
    SplittableRandom rnd =
        new SplittableRandom(seed ^ (i * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
    double z = TRUE_INTERCEPT;
    int n = 0;
    while (n < nnz) {
      long k = rank(rnd.nextDouble());
      long f = feature(k);
      boolean dup = false;
      // distinct features: a rank drawn again, or two ranks hashed together, is drawn anew
      for (int j = 0; j < n; j++) {
        if (idx[j] == f) {
          dup = true;
          break;
        }
      }
      if (!dup) {
        idx[n++] = f;
        z += trueWeight(k);
      }
    }
    Arrays.sort(idx, 0, nnz);
    return rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1.0 : 0.0;
  }

  @Override
  public String toString() {
    return "synthetic clicks: "
        + nnz
        + " binary features a row among "
        + ranks
        + " with Zipf (s = "
        + s
        + ") frequencies, hashed into 2^"
        + bits
        + ", known true weights, seed "
        + seed;
  }
}
