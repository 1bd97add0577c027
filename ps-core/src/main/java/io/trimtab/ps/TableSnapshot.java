package io.trimtab.ps;

import java.util.Arrays;

/**
 * Every key of a table with its values and optimizer state, sorted by key, and the table clock:
 * what a table is, independent of how it is partitioned. Two snapshots are equal when they hold the
 * same keys with bit-for-bit the same values and state.
 *
 * @param clock the lowest clock of the table's shards
 * @param keys all keys, ascending
 * @param values {@code width} doubles per key
 * @param state optimizer state, {@code width x stateWidth} doubles per key (empty for rules without
 *     state)
 */
public record TableSnapshot(long clock, long[] keys, double[] values, double[] state) {

  @Override
  public boolean equals(Object o) {
    return o instanceof TableSnapshot t
        && t.clock == clock
        && Arrays.equals(t.keys, keys)
        && Arrays.equals(t.values, values)
        && Arrays.equals(t.state, state);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(clock) * 31 + Arrays.hashCode(keys);
  }

  @Override
  public String toString() {
    return "TableSnapshot[clock " + clock + ", " + keys.length + " keys]";
  }
}
