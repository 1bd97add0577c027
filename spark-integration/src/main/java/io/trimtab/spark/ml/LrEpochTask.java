package io.trimtab.spark.ml;

import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.PsClient;
import io.trimtab.ps.Push;
import io.trimtab.ps.TableHandle;
import io.trimtab.spark.plugin.ExecutorClients;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One worker's epoch of synchronous (BSP) logistic regression, run as a Spark barrier task over one
 * data partition. The partition is cut into {@code batches} mini-batches; for mini-batch b the task
 * pulls the weights of the features the batch touches once every worker's pushes for clock
 * {@code baseClock + b - 1} are applied, computes the summed log-loss gradient, and pushes it for
 * clock {@code baseClock + b}. Every worker pushes once per clock (empty if its batch is empty), so
 * every shard knows when a clock is complete. Weight key {@code numFeatures} is the intercept.
 *
 * <p>Returns one {@code double[]{lossSum, examples, pullNanos, computeNanos, pushNanos}} per task.
 */
final class LrEpochTask extends AbstractFunction1<Iterator<Example>, Iterator<double[]>> implements Serializable {
  private static final long serialVersionUID = 1L;
  private final TableHandle table;
  private final ClientOptions clientOptions;
  private final long baseClock;
  private final int batches;
  private final int numFeatures;
  private final long shuffleSeed;

  LrEpochTask(TableHandle table, ClientOptions clientOptions, long baseClock, int batches, int numFeatures,
      long shuffleSeed) {
    this.table = table;
    this.clientOptions = clientOptions;
    this.baseClock = baseClock;
    this.batches = batches;
    this.numFeatures = numFeatures;
    this.shuffleSeed = shuffleSeed;
  }

  @Override
  public Iterator<double[]> apply(Iterator<Example> it) {
    int worker = TaskContext.getPartitionId();
    List<Example> rows = new ArrayList<>();
    JavaConverters.asJavaIterator(it).forEachRemaining(rows::add);
    Example[] order = rows.toArray(new Example[0]);
    if (shuffleSeed != 0) {
      shuffle(order, new SplittableRandom(shuffleSeed * 31 + worker));
    }
    PsClient client = ExecutorClients.shared(clientOptions);
    double lossSum = 0;
    long pullNs = 0;
    long computeNs = 0;
    long pushNs = 0;
    CompletableFuture<Void> lastPush = CompletableFuture.completedFuture(null);
    int n = order.length;
    for (int b = 0; b < batches; b++) {
      int lo = (int) ((long) n * b / batches);
      int hi = (int) ((long) n * (b + 1) / batches);
      long clock = baseClock + b;
      if (lo == hi) {
        lastPush.join();
        lastPush = client.pushAsync(table, Push.atClock(worker, clock, 0, new long[0], new double[0]));
        continue;
      }
      long t0 = System.nanoTime();
      long[] keys = batchKeys(order, lo, hi);
      long t1 = System.nanoTime();
      double[] w = client.pull(table, keys, clock);
      long t2 = System.nanoTime();
      double[] grad = new double[keys.length];
      int bias = keys.length - 1;
      for (int i = lo; i < hi; i++) {
        Example e = order[i];
        int[] idx = e.indices();
        double[] val = e.values();
        int[] pos = new int[idx.length];
        double z = w[bias];
        for (int j = 0; j < idx.length; j++) {
          pos[j] = Arrays.binarySearch(keys, 0, bias, idx[j]);
          z += w[pos[j]] * val[j];
        }
        lossSum += LogisticLoss.loss(e.label(), z);
        double g = LogisticLoss.sigmoid(z) - e.label();
        for (int j = 0; j < idx.length; j++) {
          grad[pos[j]] += g * val[j];
        }
        grad[bias] += g;
      }
      long t3 = System.nanoTime();
      lastPush.join();
      lastPush = client.pushAsync(table, Push.atClock(worker, clock, hi - lo, keys, grad));
      long t4 = System.nanoTime();
      pullNs += t2 - t1;
      computeNs += (t1 - t0) + (t3 - t2);
      pushNs += t4 - t3;
    }
    long t5 = System.nanoTime();
    lastPush.join();
    pushNs += System.nanoTime() - t5;
    double[] result = {lossSum, n, pullNs, computeNs, pushNs};
    return JavaConverters.asScalaIterator(List.of(result).iterator());
  }

  /** Sorted distinct feature keys of rows [lo, hi), then the intercept key last. */
  private long[] batchKeys(Example[] rows, int lo, int hi) {
    int nnz = 0;
    for (int i = lo; i < hi; i++) {
      nnz += rows[i].indices().length;
    }
    int[] all = new int[nnz];
    int k = 0;
    for (int i = lo; i < hi; i++) {
      int[] idx = rows[i].indices();
      System.arraycopy(idx, 0, all, k, idx.length);
      k += idx.length;
    }
    Arrays.sort(all);
    long[] keys = new long[distinct(all) + 1];
    int u = 0;
    for (int i = 0; i < all.length; i++) {
      if (i == 0 || all[i] != all[i - 1]) {
        keys[u++] = all[i];
      }
    }
    keys[u] = numFeatures;
    return keys;
  }

  private static int distinct(int[] sorted) {
    int d = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i == 0 || sorted[i] != sorted[i - 1]) {
        d++;
      }
    }
    return d;
  }

  private static void shuffle(Example[] a, SplittableRandom rnd) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      Example t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
