package io.trimtab.tuner.search;

import java.util.Random;

/**
 * Latin-hypercube samples of the unit cube.
 *
 * <p>Design note. McKay, Beckman &amp; Conover, "A Comparison of Three Methods for Selecting Values
 * of Input Variables in the Analysis of Output from a Computer Code" (Technometrics, 1979): each of
 * the {@code dims} axes is cut into n equal intervals and every interval holds exactly one of the n
 * points, so each one-dimensional projection is evenly covered however few points there are. Per
 * dimension a random permutation assigns intervals to points and each point is placed uniformly
 * within its interval. All randomness comes from the seed ({@link java.util.Random}, so a seed
 * gives the same sample on every JVM).
 */
public final class LatinHypercube {
  private LatinHypercube() {}

  /**
   * {@code n} points in [0,1)^dims: {@code result[i][k]} is coordinate k of point i.
   *
   * @param n points, >= 1
   * @param dims dimensions, >= 1
   * @param seed random seed
   */
  public static double[][] sample(int n, int dims, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("Invalid number of points: " + n + " (must be >= 1)");
    }
    if (dims < 1) {
      throw new IllegalArgumentException(
          "Invalid number of dimensions: " + dims + " (must be >= 1)");
    }
    Random random = new Random(seed);
    double[][] points = new double[n][dims];
    int[] perm = new int[n];
    for (int k = 0; k < dims; k++) {
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      for (int i = n - 1; i > 0; i--) { // Fisher-Yates
        int j = random.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      for (int i = 0; i < n; i++) {
        points[i][k] = (perm[i] + random.nextDouble()) / n;
      }
    }
    return points;
  }
}
