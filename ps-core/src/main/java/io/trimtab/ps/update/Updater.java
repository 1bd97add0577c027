package io.trimtab.ps.update;

/**
 * The rule a shard applies, where the parameters live, to the mean delta of one key in one update
 * step. A new rule is a new implementation registered in {@link Updaters}; the table storage and
 * clocks do not change.
 *
 * <p>Implementations are immutable and thread-safe; a shard calls them under the lock of the table
 * part whose values they update.
 */
public interface Updater {

  /** Doubles of optimizer state kept per parameter value (0: stateless). */
  int stateWidth();

  /**
   * Applies one step to one key: {@code width} mean deltas {@code grad[0 .. width)} to the values
   * {@code values[vo .. vo + width)}, using and updating the key's optimizer state {@code state[so
   * .. so + width * stateWidth())} (laid out as the rule chooses; {@code state} is null when {@link
   * #stateWidth()} is 0).
   */
  void apply(double[] grad, double[] values, int vo, double[] state, int so, int width);
}
