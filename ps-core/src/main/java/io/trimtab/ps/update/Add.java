package io.trimtab.ps.update;

/** w += g: raw increments (counters, tests). */
final class Add implements Updater {
  static final Add INSTANCE = new Add();

  private Add() {}

  @Override
  public int stateWidth() {
    return 0;
  }

  @Override
  public void apply(double[] grad, double[] values, int vo, double[] state, int so, int width) {
    for (int j = 0; j < width; j++) {
      values[vo + j] += grad[j];
    }
  }
}
