package io.trimtab.spark.train;

import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.PsClient;
import io.trimtab.ps.Pulled;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.TableHandle;
import io.trimtab.spark.objective.MiniBatch;
import io.trimtab.spark.objective.Objective;
import io.trimtab.spark.plugin.ExecutorClients;
import io.trimtab.spark.plugin.TrimtabMetrics;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.runtime.AbstractFunction1;

/**
 * One worker's epoch, run as a Spark task (a barrier task under BSP and SSP) over one partition of
 * prepared {@link MiniBatch}es, for any {@link Objective}. At clock {@code baseClock + b} the task
 * takes its b-th batch (in a per-epoch seeded order), pulls the weights of the keys the batch
 * touches once every worker's pushes for the clocks before are applied, computes the model's summed
 * loss gradient, and pushes it for that clock. Every worker pushes once per clock (empty if its
 * batch is empty), so every shard knows when a clock is complete.
 *
 * <p>Reads wait only as the staleness bound requires: at clock c for table clock {@code
 * staleness.minReadClock(c)} (c itself under BSP, never under ASP). Every read's staleness, c minus
 * the clock it was read at, is measured and reported.
 *
 * <p>Retries. A task that fails is run again (a barrier stage: every worker's task) from the
 * epoch's first clock; the shards drop the pushes of clocks a worker already pushed, so each update
 * is applied once. Under BSP a task reads each clock exactly (as of that clock, even where a shard
 * is one clock ahead because the failed attempt's last push reached it) and, computing the same
 * update from the same values and mini-batch, leaves the model an undisturbed run would. While it
 * waits for a read or a push, a task checks every {@value #KILL_CHECK_MS} ms whether Spark killed
 * it (the other tasks of a failed barrier stage), so a retry never waits for zombies.
 *
 * <p>Returns one {@link TaskResult} per task (its per-clock sums are the loss curve the tuner
 * fits).
 */
final class EpochTask extends AbstractFunction1<Iterator<MiniBatch>, Iterator<TaskResult>>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  private static final long[] NO_KEYS = new long[0];
  private static final double[] NO_VALUES = new double[0];
  private static final long KILL_CHECK_MS = 100;
  private final TableHandle table;
  private final ClientOptions clientOptions;
  private final long baseClock;
  private final long orderSeed;
  private final StalenessBound staleness;
  private final Faults faults;
  private final PushPath pushPath;
  private final Objective objective;

  /** Which run of this epoch's stage this is (0: the first; more after a failed barrier stage). */
  private final int attempt;

  EpochTask(
      TableHandle table,
      ClientOptions clientOptions,
      long baseClock,
      long orderSeed,
      StalenessBound staleness,
      Faults faults,
      PushPath pushPath,
      int attempt,
      Objective objective) {
    this.objective = objective;
    this.attempt = attempt;
    this.pushPath = pushPath;
    this.table = table;
    this.clientOptions = clientOptions;
    this.baseClock = baseClock;
    this.orderSeed = orderSeed;
    this.staleness = staleness;
    this.faults = faults;
  }

  @Override
  public Iterator<TaskResult> apply(Iterator<MiniBatch> it) {
    TaskContext context = TaskContext.get();
    int worker = context.partitionId();
    List<MiniBatch> batches = new ArrayList<>();
    JavaConverters.asJavaIterator(it).forEachRemaining(batches::add);
    int[] order = order(batches.size(), orderSeed == 0 ? 0 : orderSeed * 31 + worker);
    PushPath.Sender sender = pushPath.open(worker);
    PsClient client = ExecutorClients.shared(clientOptions);
    double lossSum = 0;
    long examples = 0;
    long pullNs = 0;
    long computeNs = 0;
    long pushNs = 0;
    long maxStaleness = 0;
    double[] clockLoss = new double[order.length];
    double[] clockRows = new double[order.length];
    long taskStart = System.nanoTime();
    CompletableFuture<Void> lastPush = CompletableFuture.completedFuture(null);
    for (int b = 0; b < order.length; b++) {
      long clock = baseClock + b;
      if (faults.slows(worker, clock)) {
        sleep(faults.slowMillis());
      }
      MiniBatch batch = batches.get(order[b]);
      long t0 = System.nanoTime();
      if (batch.rows() == 0) {
        await(lastPush, context, () -> pushWhat(worker, clock - 1));
        lastPush = sender.push(client, table, clock, NO_KEYS, NO_VALUES, 0, objective.width());
        pushNs += System.nanoTime() - t0;
        failIfInjected(worker, clock, lastPush, context);
        continue;
      }
      // under BSP, as of the clock exactly: a retry reads what its first attempt read
      Pulled pulled =
          await(
              staleness.aggregatesPerClock()
                  ? client.pullAsync(table, batch.keys(), ReadMode.exactly(clock))
                  : client.pullAsync(
                      table, batch.keys(), ReadMode.atLeast(staleness.minReadClock(clock))),
              context,
              () ->
                  "Pull of "
                      + batch.keys().length
                      + " keys from table '"
                      + table.name()
                      + "' by worker "
                      + worker
                      + " at clock "
                      + clock);
      maxStaleness = Math.max(maxStaleness, clock - pulled.clock());
      double[] w = pulled.values();
      long t1 = System.nanoTime();
      TrimtabMetrics.pulled(t1 - t0);
      double[] grad = new double[w.length];
      double loss = objective.gradient(batch, w, grad);
      lossSum += loss;
      examples += batch.rows();
      clockLoss[b] = loss;
      clockRows[b] = batch.rows();
      long t2 = System.nanoTime();
      await(lastPush, context, () -> pushWhat(worker, clock - 1));
      lastPush =
          sender.push(client, table, clock, batch.keys(), grad, batch.rows(), objective.width());
      TrimtabMetrics.pushed();
      long t3 = System.nanoTime();
      pullNs += t1 - t0;
      computeNs += t2 - t1;
      pushNs += t3 - t2;
      failIfInjected(worker, clock, lastPush, context);
    }
    long t4 = System.nanoTime();
    await(lastPush, context, () -> pushWhat(worker, baseClock + order.length - 1));
    pushNs += System.nanoTime() - t4;
    TaskResult result =
        new TaskResult(
            lossSum,
            examples,
            pullNs,
            computeNs,
            pushNs,
            maxStaleness,
            System.nanoTime() - taskStart,
            clockLoss,
            clockRows);
    return JavaConverters.asScalaIterator(List.of(result).iterator());
  }

  /**
   * Waits for {@code f} up to the client's request timeout, checking every {@value #KILL_CHECK_MS}
   * ms whether Spark killed this task (then it ends with Spark's kill exception).
   *
   * @throws io.trimtab.ps.PsException starting with {@code what} (built only then: the task calls
   *     this twice per clock) if {@code f} fails or times out
   */
  private <T> T await(
      CompletableFuture<T> f, TaskContext context, java.util.function.Supplier<String> what) {
    long timeoutMs = clientOptions.requestTimeout().toMillis();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (true) {
      try {
        return f.get(KILL_CHECK_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        context.killTaskIfInterrupted();
        if (System.nanoTime() > deadline) {
          f.cancel(true);
          throw new io.trimtab.ps.PsException(what.get() + " timed out after " + timeoutMs + " ms");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        context.killTaskIfInterrupted();
        throw new io.trimtab.ps.PsException(what.get() + " was interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable c = e.getCause();
        while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
          c = c.getCause();
        }
        throw new io.trimtab.ps.PsException(what.get() + " failed: " + c.getMessage(), c);
      }
    }
  }

  private String pushWhat(int worker, long clock) {
    return "Push to table '" + table.name() + "' for clock " + clock + " by worker " + worker;
  }

  /**
   * Fault injection: the first attempt of the failing worker dies once its push of {@code clock} is
   * acknowledged.
   */
  private void failIfInjected(
      int worker, long clock, CompletableFuture<Void> push, TaskContext context) {
    if (faults.failsAfter(worker, clock, attempt, context.attemptNumber())) {
      await(push, context, () -> pushWhat(worker, clock));
      throw new IllegalStateException(
          "Injected failure of worker "
              + worker
              + " after its push for clock "
              + clock
              + " (epoch stage run "
              + attempt
              + ", task attempt "
              + context.attemptNumber()
              + ")");
    }
  }

  /** Fault injection for tests and benchmarks: a deliberately slowed worker. */
  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Worker interrupted", e);
    }
  }

  /** The order in which a worker visits its mini-batches in one epoch (identity for seed 0). */
  static int[] order(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    if (seed != 0) {
      SplittableRandom rnd = new SplittableRandom(seed);
      for (int i = n - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    }
    return order;
  }
}
