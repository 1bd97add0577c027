package io.trimtab.ps;

import java.util.concurrent.CompletableFuture;

/**
 * Pull and push against parameter-server tables. Asynchronous calls return futures that fail with a
 * {@link PsException} naming the shard when a shard rejects the request or the connection fails;
 * the blocking calls wait up to the client's request timeout and throw that {@link PsException}.
 *
 * <p>Keys are split by the table's partitioner and sent to their shards in parallel; values come
 * back in request order. Implementations are thread-safe and share connections between threads.
 */
public interface PsClient extends AutoCloseable {

  /**
   * Reads the values of {@code keys} ({@code width} doubles per key, in key order) at the clock
   * {@code mode} asks for, with the clock they were read at (the lowest over the shards asked).
   *
   * @throws IllegalArgumentException (synchronously) if {@code keys} is empty
   */
  CompletableFuture<Pulled> pullAsync(TableHandle table, long[] keys, ReadMode mode);

  /**
   * Sends a push to the shards of {@code table}; completes when every shard acknowledged it.
   *
   * @throws IllegalArgumentException (synchronously) if an unclocked push has no keys or the deltas
   *     do not match keys x width
   */
  CompletableFuture<Void> pushAsync(TableHandle table, Push push);

  /** Blocking {@link #pullAsync}. */
  Pulled pull(TableHandle table, long[] keys, ReadMode mode);

  /** Blocking {@link #pushAsync}. */
  void push(TableHandle table, Push push);

  /** Closes every connection; pending calls fail. Idempotent. */
  @Override
  void close();
}
