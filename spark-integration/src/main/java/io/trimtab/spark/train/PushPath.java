package io.trimtab.spark.train;

import io.trimtab.ps.PsClient;
import io.trimtab.ps.Push;
import io.trimtab.ps.TableHandle;
import java.io.Serializable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;

/**
 * How an {@link EpochTask} sends its worker's update of a clock to the shards: the part of an
 * aggregation path that runs in the task. Shipped with the task; {@link #open} is called once per
 * task, on the task thread.
 */
interface PushPath extends Serializable {

  /** The sender of worker {@code worker}'s updates in this task. */
  Sender open(int worker);

  /** Sends one worker's updates, one clock after the other. */
  @FunctionalInterface
  interface Sender {
    /**
     * Sends the update of {@code clock}: {@code width} deltas per key of {@code keys}, from {@code
     * count} examples. Returns the future of the push that carries it.
     */
    CompletableFuture<Void> push(
        PsClient client,
        TableHandle table,
        long clock,
        long[] keys,
        double[] deltas,
        double count,
        int width);
  }

  /** Every worker pushes its own update to the shards. */
  static PushPath direct() {
    return new Direct();
  }

  /**
   * The workers of one executor deposit their updates in the {@link ExecutorCombiner}; the last of
   * them sends one combined push. Needs a barrier stage (to know the executor's workers).
   */
  static PushPath executorCombine() {
    return new Combined();
  }

  /** See {@link #direct}. */
  final class Direct implements PushPath {
    private static final long serialVersionUID = 1L;

    @Override
    public Sender open(int worker) {
      return (client, table, clock, keys, deltas, count, width) ->
          client.pushAsync(table, Push.atClock(worker, clock, count, keys, deltas));
    }
  }

  /** See {@link #executorCombine}. */
  final class Combined implements PushPath {
    private static final long serialVersionUID = 1L;

    @Override
    public Sender open(int worker) {
      int[] group = localGroup(worker);
      return (client, table, clock, keys, deltas, count, width) ->
          ExecutorCombiner.shared().add(client, table, clock, group, keys, deltas, count, width);
    }

    /**
     * The workers of this barrier stage that run in the same executor as {@code worker}, ascending.
     */
    private static int[] localGroup(int worker) {
      BarrierTaskInfo[] infos = BarrierTaskContext.get().getTaskInfos();
      String mine = infos[worker].address();
      return IntStream.range(0, infos.length)
          .filter(i -> infos[i].address().equals(mine))
          .toArray();
    }
  }
}
