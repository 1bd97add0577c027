package io.trimtab.tuner.progress;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/** Loss curves generated from known model parameters, for the progress tests. */
final class SyntheticCurves {

  private SyntheticCurves() {}

  /** {@code count} iterations from {@code first}, {@code step} apart. */
  static double[] iterations(double first, double step, int count) {
    double[] k = new double[count];
    for (int i = 0; i < count; i++) {
      k[i] = first + i * step;
    }
    return k;
  }

  static double[] losses(double[] iterations, DoubleUnaryOperator curve) {
    double[] l = new double[iterations.length];
    for (int i = 0; i < l.length; i++) {
      l[i] = curve.applyAsDouble(iterations[i]);
    }
    return l;
  }

  /** The paper curve with scale h, start loss d and first iteration j0. */
  static double[] paper(double[] iterations, double h, double d, double j0) {
    PaperModel.PaperFit truth = new PaperModel.PaperFit(h, d, j0, 0, 0);
    return losses(iterations, truth::lossAt);
  }

  /** The Optimus curve 1 / (b0 (k - k0) + b1) + b2. */
  static double[] optimus(double[] iterations, double b0, double b1, double b2, double k0) {
    OptimusModel.OptimusFit truth = new OptimusModel.OptimusFit(b0, b1, b2, k0, 0, 0);
    return losses(iterations, truth::lossAt);
  }

  /** Multiplies each loss by {@code 1 + sd * N(0, 1)} from a seeded generator. */
  static double[] noisy(double[] losses, double sd, long seed) {
    Random random = new Random(seed);
    double[] out = losses.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] *= 1 + sd * random.nextGaussian();
    }
    return out;
  }

  /** Multiplies the losses at {@code indices} by {@code factor}. */
  static double[] spiked(double[] losses, double factor, int... indices) {
    double[] out = losses.clone();
    for (int i : indices) {
      out[i] *= factor;
    }
    return out;
  }

  static double relativeError(double actual, double expected) {
    return Math.abs(actual - expected) / Math.abs(expected);
  }
}
