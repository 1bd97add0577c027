package io.trimtab.tuner;

import java.util.ArrayList;
import java.util.List;

/**
 * Measured cost of switching, by kind: a new shard layout moves every parameter, a new worker count
 * re-cuts the data, anything else only resets worker clocks. Until a kind is measured its cost is
 * guessed as a fraction of an epoch (moving the model and re-cutting the data are each about a pass
 * over it).
 */
final class SwitchCosts {
  private final List<Double> layout = new ArrayList<>();
  private final List<Double> recut = new ArrayList<>();
  private final List<Double> light = new ArrayList<>();
  private double cutSeconds = Double.NaN;

  /**
   * The time the job took to cut its data the first time: a re-cut for a new worker count costs
   * about as much, far more than the guess of half an epoch on a large data set
   * (docs/design-notes.md, "Tuner"), so it replaces the guess until a re-cut is measured.
   */
  void dataCut(double seconds) {
    cutSeconds = seconds;
  }

  void record(Setting from, Setting to, double seconds) {
    if (from.equals(to)) {
      return;
    }
    boolean moves = from.layoutDiffers(to);
    boolean cuts = from.workers() != to.workers();
    if (moves && !cuts) {
      layout.add(seconds);
    } else if (cuts && !moves) {
      recut.add(seconds);
    } else if (!moves) {
      light.add(seconds);
    }
  }

  /**
   * Predicted seconds to switch from {@code from} to {@code to}; {@code epochSeconds} scales the
   * guesses.
   */
  double estimate(Setting from, Setting to, double epochSeconds) {
    if (from.equals(to)) {
      return 0;
    }
    double cost = mean(light, 0.05 * epochSeconds);
    if (from.layoutDiffers(to)) {
      cost = Math.max(cost, mean(layout, 0.5 * epochSeconds));
    }
    if (from.workers() != to.workers()) {
      double guess = Double.isNaN(cutSeconds) ? 0.5 * epochSeconds : cutSeconds;
      cost =
          from.layoutDiffers(to) ? cost + mean(recut, guess) : Math.max(cost, mean(recut, guess));
    }
    return cost;
  }

  /** Switches measured so far. */
  int measured() {
    return layout.size() + recut.size() + light.size();
  }

  private static double mean(List<Double> xs, double guess) {
    return xs.isEmpty()
        ? guess
        : xs.stream().mapToDouble(Double::doubleValue).average().orElse(guess);
  }
}
