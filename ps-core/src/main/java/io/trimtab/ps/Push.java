package io.trimtab.ps;

/**
 * One push: deltas for {@code keys} ({@code keys.length * width} values, key-major). Deltas are
 * sums of per-example gradients over {@code count} examples (0 when not averaged, e.g. counters).
 *
 * <p>An unclocked push ({@code worker == -1}) is applied when it arrives. A clocked push is worker
 * {@code worker}'s contribution to {@code clock}: the shards apply a clock's pushes together, once
 * every worker has pushed for it, and a clocked push goes to every shard of the table (empty where
 * the worker has no keys) so that each shard can count its workers. A combined push (executor-local
 * combining) is the summed contribution of {@code worker} and {@code coWorkers} to the clock.
 */
public record Push(
    long[] keys, double[] deltas, double count, int worker, long clock, int[] coWorkers) {
  private static final int[] NONE = new int[0];

  public Push {
    coWorkers = coWorkers == null ? NONE : coWorkers;
    for (int w : coWorkers) {
      if (w < 0 || worker < 0) {
        throw new IllegalArgumentException(
            "Invalid co-worker "
                + w
                + " of worker "
                + worker
                + " (combined pushes need workers >= 0)");
      }
    }
    if (keys == null || deltas == null) {
      throw new IllegalArgumentException("Push needs keys and deltas (got null)");
    }
    if (worker < -1) {
      throw new IllegalArgumentException(
          "Invalid worker: " + worker + " (must be >= 0, or -1 for unclocked)");
    }
    if (worker >= 0 && clock < 0) {
      throw new IllegalArgumentException("Invalid clock: " + clock + " (must be >= 0)");
    }
    if (!(count >= 0) || Double.isInfinite(count)) {
      throw new IllegalArgumentException(
          "Invalid example count: " + count + " (must be finite and >= 0)");
    }
  }

  /** A push applied as soon as it arrives. */
  public static Push unclocked(long[] keys, double[] deltas) {
    return new Push(keys, deltas, 0, -1, 0, NONE);
  }

  /** Worker {@code worker}'s gradient sums over {@code count} examples for {@code clock}. */
  public static Push atClock(int worker, long clock, double count, long[] keys, double[] deltas) {
    return new Push(keys, deltas, count, worker, clock, NONE);
  }

  /**
   * The summed contribution of several workers (at least one) to {@code clock}, over {@code count}
   * examples.
   */
  public static Push combined(
      int[] workers, long clock, double count, long[] keys, double[] deltas) {
    if (workers.length == 0) {
      throw new IllegalArgumentException("A combined push needs at least one worker (got none)");
    }
    return new Push(
        keys,
        deltas,
        count,
        workers[0],
        clock,
        java.util.Arrays.copyOfRange(workers, 1, workers.length));
  }

  /** Whether this push belongs to a clock. */
  public boolean clocked() {
    return worker >= 0;
  }
}
