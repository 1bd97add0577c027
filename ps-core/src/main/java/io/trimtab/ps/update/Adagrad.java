package io.trimtab.ps.update;

/**
 * Adagrad with lazy L2 (Duchi, Hazan, Singer, "Adaptive Subgradient Methods", JMLR 2011): with g' =
 * g + l2 w, a += g'^2 and w -= lr * g' / (sqrt(a) + 1e-8), one accumulator a per value.
 */
final class Adagrad implements Updater {
  private static final double EPSILON = 1e-8;
  private final double learningRate;
  private final double l2;

  Adagrad(double learningRate, double l2) {
    this.learningRate = learningRate;
    this.l2 = l2;
  }

  @Override
  public int stateWidth() {
    return 1;
  }

  @Override
  public void apply(double[] grad, double[] values, int vo, double[] state, int so, int width) {
    for (int j = 0; j < width; j++) {
      double g = grad[j] + l2 * values[vo + j];
      state[so + j] += g * g;
      values[vo + j] -= learningRate * g / (Math.sqrt(state[so + j]) + EPSILON);
    }
  }
}
