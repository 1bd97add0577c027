package io.trimtab.tuner.progress;

/**
 * A family of loss curves made linear in iterations by a transform z of the loss: along the curve,
 * z(l) grows by a constant rate per iteration. The paper's family k(l) = (h/l) ln(d/l) + j0 is k =
 * j0 + h z with z = (1/l) ln(d/l); Optimus' l = 1/(b0 k + b1) + b2 is z = 1/(l - b2) = b0 k + b1;
 * the power family l = b2 + (b0 k + b1)^(-1/p) is z = (l - b2)^(-p), Optimus' with p = 1. The
 * per-segment models ({@link PaperModel}, {@link OptimusModel}) and the whole-job fit ({@link
 * JobProgress}) share these transforms. Implementations are immutable records.
 */
sealed interface CurveFamily permits CurveFamily.Paper, CurveFamily.Power {

  /** z of a loss (for losses on the curve's branch: below d, above the floor). */
  double z(double loss);

  /** The loss at z, the inverse of {@link #z}. */
  double loss(double z);

  /** The loss the curve tends to: 0 for the paper's family. */
  double floor();

  /** The paper's family started at loss {@code d} (its largest loss). */
  static Paper paper(double d) {
    return new Paper(d);
  }

  /** Optimus' family with asymptote {@code floor}. */
  static Power optimus(double floor) {
    return new Power(floor, 1);
  }

  /** The power family with asymptote {@code floor} and exponent {@code p}. */
  static Power power(double floor, double p) {
    return new Power(floor, p);
  }

  /**
   * The paper's family, z = ln(d/l) / l, decreasing in l on (0, d].
   *
   * @param d the curve's largest loss, where it starts (finite, > 0)
   */
  record Paper(double d) implements CurveFamily {
    public Paper {
      if (!(d > 0 && Double.isFinite(d))) {
        throw new IllegalArgumentException(
            "Invalid largest loss d: " + d + " (must be a finite number > 0)");
      }
    }

    @Override
    public double z(double loss) {
      return Math.log(d / loss) / loss;
    }

    /** On the branch l <= d: with u = ln(d/l), u e^u = d z, so u = W0(d z). */
    @Override
    public double loss(double z) {
      if (z <= 0) {
        return d;
      }
      double x = d * z;
      if (x == Double.POSITIVE_INFINITY) {
        return 0;
      }
      return d * Math.exp(-lambertW0(x));
    }

    @Override
    public double floor() {
      return 0;
    }

    /**
     * The principal branch of Lambert's W at x > 0 (w e^w = x), by Newton's method on w + ln w = ln
     * x from ln(1 + x), an upper bound of W0; the function is concave in w, so after the first step
     * the iterates rise monotonically to the root (at most a few dozen steps, usually 3 to 6). It
     * is evaluated once per clock and fit, so it must be cheap: a bracketing solver would dominate
     * the fit's cost.
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
  }

  /**
   * The power family with a floor, z = (l - floor)^(-p); Optimus' family is p = 1.
   *
   * @param floor the asymptote (finite)
   * @param p the exponent (finite, > 0)
   */
  record Power(double floor, double p) implements CurveFamily {
    public Power {
      if (!Double.isFinite(floor)) {
        throw new IllegalArgumentException("Invalid floor: " + floor + " (must be finite)");
      }
      if (!(p > 0 && Double.isFinite(p))) {
        throw new IllegalArgumentException(
            "Invalid exponent p: " + p + " (must be a finite number > 0)");
      }
    }

    @Override
    public double z(double loss) {
      return p == 1 ? 1 / (loss - floor) : Math.exp(-p * Math.log(loss - floor));
    }

    @Override
    public double loss(double z) {
      return z > 0
          ? floor + (p == 1 ? 1 / z : Math.exp(-Math.log(z) / p))
          : Double.POSITIVE_INFINITY;
    }
  }
}
