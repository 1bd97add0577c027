package io.trimtab.ps;

import java.io.Serializable;

/**
 * The rule a shard applies, where the parameters live, to the aggregated delta g of one key in one
 * update step. Pushes carry sums of per-example gradients plus the number of examples they sum
 * over; the shard divides by the total example count of the step (or by 1 when the count is 0)
 * before applying the rule. L2 is applied lazily, to the keys a step touches.
 *
 * <ul>
 *   <li>{@code ADD}: w += g (raw increments; counters, tests).
 *   <li>{@code SGD}: w -= lr * (g + l2 * w).
 *   <li>{@code ADAGRAD}: a += (g + l2 w)^2; w -= lr * (g + l2 w) / (sqrt(a) + 1e-8), a per key
 *       (Duchi, Hazan, Singer 2011).
 * </ul>
 *
 * @param kind the rule
 * @param learningRate step size, finite and > 0 (ignored by ADD)
 * @param l2 L2 regularisation strength, finite and >= 0 (ignored by ADD)
 */
public record UpdateRule(Kind kind, double learningRate, double l2) implements Serializable {

  /** The rules a shard knows. */
  public enum Kind {
    ADD,
    SGD,
    ADAGRAD
  }

  public UpdateRule {
    if (kind == null) {
      throw new IllegalArgumentException(
          "Update rule kind is null (expected one of ADD, SGD, ADAGRAD)");
    }
    if (kind != Kind.ADD) {
      if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
        throw new IllegalArgumentException(
            "Invalid learning rate: " + learningRate + " (must be finite and > 0)");
      }
      if (!(l2 >= 0) || Double.isInfinite(l2)) {
        throw new IllegalArgumentException(
            "Invalid L2 strength: " + l2 + " (must be finite and >= 0)");
      }
    }
  }

  /** w += g. */
  public static UpdateRule add() {
    return new UpdateRule(Kind.ADD, 0, 0);
  }

  /** Plain SGD with L2. */
  public static UpdateRule sgd(double learningRate, double l2) {
    return new UpdateRule(Kind.SGD, learningRate, l2);
  }

  /** Adagrad with L2. */
  public static UpdateRule adagrad(double learningRate, double l2) {
    return new UpdateRule(Kind.ADAGRAD, learningRate, l2);
  }

  /** Number of doubles of optimizer state kept per parameter value. */
  public int stateWidth() {
    return kind == Kind.ADAGRAD ? 1 : 0;
  }
}
