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
 * over. A push applied as it arrives (SSP, ASP), or at the end of a BSP clock under a stateful rule
 * (Adagrad), is one step of its sums over its examples times the workers pushing apart from it; a
 * stateless rule's BSP clock is one step of the clock's sums over its total example count (a count
 * of 0 counts as 1). L2 is applied lazily, to the keys a step touches.
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
