package io.trimtab.ps;

import io.trimtab.ps.update.Updater;
import io.trimtab.ps.update.Updaters;
import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The rule a shard applies, where the parameters live, to the aggregated delta g of one key in one
 * update step, named with its parameters so that the protocol and checkpoints carry any rule {@link
 * Updaters} knows. Pushes carry sums of per-example gradients plus the number of examples they sum
 * over; the shard divides by the total example count of the step (or by 1 when the count is 0)
 * before applying the rule. L2 is applied lazily, to the keys a step touches.
 *
 * <ul>
 *   <li>{@code add}: w += g (raw increments; counters, tests).
 *   <li>{@code sgd}: w -= lr * (g + l2 * w).
 *   <li>{@code adagrad}: a += (g + l2 w)^2; w -= lr * (g + l2 w) / (sqrt(a) + 1e-8), a per key
 *       (Duchi, Hazan, Singer 2011).
 * </ul>
 *
 * @param name a rule {@link Updaters#names() known} to the shards
 * @param params the rule's parameters by name (sorted; checked by the rule)
 */
public record UpdateRule(String name, SortedMap<String, Double> params) implements Serializable {

  public UpdateRule {
    params = Collections.unmodifiableSortedMap(new TreeMap<>(params == null ? Map.of() : params));
    Updaters.byName(name, params);
  }

  /** The rule {@code name} with {@code params}; throws naming the value if either is invalid. */
  public static UpdateRule of(String name, Map<String, Double> params) {
    return new UpdateRule(name, params == null ? null : new TreeMap<>(params));
  }

  /** w += g. */
  public static UpdateRule add() {
    return of("add", Map.of());
  }

  /** Plain SGD with L2. */
  public static UpdateRule sgd(double learningRate, double l2) {
    return of("sgd", Map.of(Updaters.LEARNING_RATE, learningRate, Updaters.L2, l2));
  }

  /** Adagrad with L2. */
  public static UpdateRule adagrad(double learningRate, double l2) {
    return of("adagrad", Map.of(Updaters.LEARNING_RATE, learningRate, Updaters.L2, l2));
  }

  /** The rule's implementation, as the shards apply it. */
  public Updater updater() {
    return Updaters.byName(name, params);
  }

  /** Number of doubles of optimizer state kept per parameter value. */
  public int stateWidth() {
    return updater().stateWidth();
  }

  @Override
  public String toString() {
    return name + params;
  }
}
