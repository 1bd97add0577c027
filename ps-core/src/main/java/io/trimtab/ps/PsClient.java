package io.trimtab.ps;

import java.util.concurrent.CompletableFuture;

/**
 * Pull and push against parameter-server tables. Asynchronous calls return futures that fail with a
 * {@link PsException} naming the shard when a shard rejects the request or the connection fails;
 * blocking conveniences wait up to the client's request timeout.
 *
 * <p>Keys are split by the table's partitioner and sent to their shards in parallel; values come
 * back in request order. Implementations are thread-safe and share connections between threads.
 */
public interface PsClient extends AutoCloseable {

  /**
   * Reads the values of {@code keys} ({@code width} doubles per key, in key order) once every shard
   * holding them has reached table clock {@code minClock} (0: read now), with the clock they were
   * read at (the lowest over the shards asked). A shard fails the pull, naming the slowest worker,
   * if the clock is not reached within the request timeout.
   *
   * @throws IllegalArgumentException (synchronously) if {@code keys} is empty
   */
  CompletableFuture<Pulled> pullWithClockAsync(TableHandle table, long[] keys, long minClock);

  /**
   * Reads {@code keys} as of table clock {@code clock} exactly, where the shards can: as {@link
   * #pullWithClockAsync}, except that a shard of a BSP table that is one clock ahead answers with
   * the values before its last clock. A BSP worker reads this way, so that a retried task (or a
   * speculative copy) that re-reads a clock its earlier attempt completed on some shards but not on
   * others computes the same update as that attempt did. The clock of the result says which values
   * were read when a shard could not go back (further ahead, or not BSP).
   */
  CompletableFuture<Pulled> pullAtClockAsync(TableHandle table, long[] keys, long clock);

  /** {@link #pullWithClockAsync}, values only. */
  default CompletableFuture<double[]> pullAsync(TableHandle table, long[] keys, long minClock) {
    return pullWithClockAsync(table, keys, minClock).thenApply(Pulled::values);
  }

  /**
   * Sends a push to the shards of {@code table}; completes when every shard acknowledged it.
   *
   * @throws IllegalArgumentException (synchronously) if an unclocked push has no keys or the deltas
   *     do not match keys x width
   */
  CompletableFuture<Void> pushAsync(TableHandle table, Push push);

  /** Blocking {@link #pullAsync} at clock 0. */
  default double[] pull(TableHandle table, long[] keys) {
    return pull(table, keys, 0);
  }

  /** Blocking {@link #pullAsync}. */
  default double[] pull(TableHandle table, long[] keys, long minClock) {
    return pullWithClock(table, keys, minClock).values();
  }

  /** Blocking {@link #pullWithClockAsync}. */
  Pulled pullWithClock(TableHandle table, long[] keys, long minClock);

  /** Blocking {@link #pushAsync}. */
  void push(TableHandle table, Push push);

  /** Closes every connection; pending calls fail. Idempotent. */
  @Override
  void close();
}
