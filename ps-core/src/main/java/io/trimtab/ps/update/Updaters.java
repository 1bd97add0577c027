package io.trimtab.ps.update;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The update rules a shard knows, by name. A rule is built from named parameters, checked here, so
 * that a table spec naming an unknown rule or a bad parameter fails where it is made, not on the
 * shards.
 *
 * <ul>
 *   <li>{@code add}: no parameters.
 *   <li>{@code sgd}, {@code adagrad}: {@value #LEARNING_RATE} (finite, > 0) and {@value #L2}
 *       (finite, >= 0).
 * </ul>
 *
 * <p>Thread-safe (immutable).
 */
public final class Updaters {
  /** Step size parameter. */
  public static final String LEARNING_RATE = "learningRate";

  /** L2 regularisation strength parameter. */
  public static final String L2 = "l2";

  private static final Map<String, Function<Params, Updater>> RULES = new LinkedHashMap<>();

  static {
    RULES.put("add", p -> p.done(Add.INSTANCE));
    RULES.put("sgd", p -> p.done(new Sgd(learningRate(p), l2(p))));
    RULES.put("adagrad", p -> p.done(new Adagrad(learningRate(p), l2(p))));
  }

  private Updaters() {}

  /**
   * The rule {@code name} with {@code params}.
   *
   * @throws IllegalArgumentException naming the value if the name is unknown, a parameter is
   *     missing or unknown, or a value is out of range
   */
  public static Updater byName(String name, Map<String, Double> params) {
    Function<Params, Updater> make = RULES.get(name);
    if (make == null) {
      throw new IllegalArgumentException(
          "Unknown update rule: '" + name + "' (expected one of " + names() + ")");
    }
    return make.apply(new Params(name, params));
  }

  /** The known rule names, in a fixed order. */
  public static Set<String> names() {
    return RULES.keySet();
  }

  private static double learningRate(Params p) {
    double lr = p.take(LEARNING_RATE);
    if (!(lr > 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException(
          "Invalid learning rate: " + lr + " (must be finite and > 0)");
    }
    return lr;
  }

  private static double l2(Params p) {
    double l2 = p.take(L2);
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException(
          "Invalid L2 strength: " + l2 + " (must be finite and >= 0)");
    }
    return l2;
  }

  /** A rule's parameters as they are read, so that unread (unknown) ones can be named. */
  private static final class Params {
    private final String rule;
    private final Map<String, Double> given;
    private final Set<String> read = new java.util.TreeSet<>();

    Params(String rule, Map<String, Double> given) {
      this.rule = rule;
      this.given = given == null ? Map.of() : given;
    }

    double take(String name) {
      Double v = given.get(name);
      if (v == null) {
        throw new IllegalArgumentException(
            "Update rule '"
                + rule
                + "' needs parameter '"
                + name
                + "' (got "
                + given.keySet()
                + ")");
      }
      read.add(name);
      return v;
    }

    Updater done(Updater u) {
      if (!read.containsAll(given.keySet())) {
        Set<String> unknown = new java.util.TreeSet<>(given.keySet());
        unknown.removeAll(read);
        throw new IllegalArgumentException(
            "Unknown parameters "
                + unknown
                + " of update rule '"
                + rule
                + "' (expected "
                + (read.isEmpty() ? "none" : read.toString())
                + ")");
      }
      return u;
    }
  }
}
