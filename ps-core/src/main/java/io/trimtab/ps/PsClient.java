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
   * holding them has applied all clocks before {@code minClock} (0: read now).
   *
   * @throws IllegalArgumentException (synchronously) if {@code keys} is empty
   */
  CompletableFuture<double[]> pullAsync(TableHandle table, long[] keys, long minClock);

  /**
   * Sends a push to the shards of {@code table}; completes when every shard acknowledged it.
   *
   * @throws IllegalArgumentException (synchronously) if an unclocked push has no keys or the deltas do
   *     not match keys x width
   */
  CompletableFuture<Void> pushAsync(TableHandle table, Push push);

  /** Blocking {@link #pullAsync} at clock 0. */
  default double[] pull(TableHandle table, long[] keys) {
    return pull(table, keys, 0);
  }

  /** Blocking {@link #pullAsync}. */
  double[] pull(TableHandle table, long[] keys, long minClock);

  /** Blocking {@link #pushAsync}. */
  void push(TableHandle table, Push push);

  /** Closes every connection; pending calls fail. Idempotent. */
  @Override
  void close();
}
