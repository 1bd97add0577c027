package io.trimtab.spark.train;

import io.trimtab.ps.PsClient;
import io.trimtab.ps.Push;
import io.trimtab.ps.TableHandle;
import it.unimi.dsi.fastutil.longs.Long2ObjectOpenHashMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Executor-local combining: the tasks of one executor deposit their update for a clock here; the
 * last of them to arrive sends one combined push (carrying every depositor as a worker) per shard.
 * The combined pushes of an executor leave in clock order, each after the previous one is
 * acknowledged, so that no shard sees a worker's clock c+1 before its clock c. One instance per
 * JVM; thread-safe.
 */
final class ExecutorCombiner {
  private static final ExecutorCombiner SHARED = new ExecutorCombiner();

  private final Map<String, Pending> pending = new HashMap<>();
  private final Map<Integer, CompletableFuture<Void>> tails = new HashMap<>();

  static ExecutorCombiner shared() {
    return SHARED;
  }

  /**
   * Adds worker {@code worker}'s update ({@code width} deltas per key) for {@code clock}, one of
   * {@code group.length} local workers. Returns the future of the combined push if this deposit
   * completed the group, else a completed future.
   */
  CompletableFuture<Void> add(
      PsClient client,
      TableHandle table,
      long clock,
      int[] group,
      long[] keys,
      double[] deltas,
      double count,
      int width) {
    Push push;
    synchronized (this) {
      String id = table.id() + "@" + clock + "#" + group[0];
      Pending p = pending.computeIfAbsent(id, k -> new Pending());
      for (int i = 0; i < keys.length; i++) {
        double[] sum = p.sums.computeIfAbsent(keys[i], k -> new double[width]);
        for (int j = 0; j < width; j++) {
          sum[j] += deltas[i * width + j];
        }
      }
      p.count += count;
      if (++p.arrived < group.length) {
        return CompletableFuture.completedFuture(null);
      }
      pending.remove(id);
      long[] k = p.sums.keySet().toLongArray();
      java.util.Arrays.sort(k);
      double[] v = new double[k.length * width];
      for (int i = 0; i < k.length; i++) {
        System.arraycopy(p.sums.get(k[i]), 0, v, i * width, width);
      }
      push = Push.combined(group, clock, p.count, k, v);
      CompletableFuture<Void> tail =
          tails.getOrDefault(table.id(), CompletableFuture.completedFuture(null));
      CompletableFuture<Void> sent = tail.thenCompose(x -> client.pushAsync(table, push));
      tails.put(table.id(), sent);
      return sent;
    }
  }

  private static final class Pending {
    final Long2ObjectOpenHashMap<double[]> sums = new Long2ObjectOpenHashMap<>();
    double count;
    int arrived;
  }
}
