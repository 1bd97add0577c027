package io.trimtab.ps.update;

/** Plain SGD with lazy L2 (applied to the keys a step touches): w -= lr * (g + l2 * w). */
final class Sgd implements Updater {
  private final double learningRate;
  private final double l2;

  Sgd(double learningRate, double l2) {
    this.learningRate = learningRate;
    this.l2 = l2;
  }

  @Override
  public int stateWidth() {
    return 0;
  }

  @Override
  public void apply(double[] grad, double[] values, int vo, double[] state, int so, int width) {
    for (int j = 0; j < width; j++) {
      values[vo + j] -= learningRate * (grad[j] + l2 * values[vo + j]);
    }
  }
}
