package io.trimtab.spark.train;

import io.trimtab.ps.Push;
import io.trimtab.ps.ReadMode;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.UserErrors;
import io.trimtab.spark.objective.MiniBatch;
import io.trimtab.spark.objective.Objective;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * MLlib's pattern, on the PS (driver-tree aggregation, BSP): per clock the driver pulls the
 * weights, broadcasts them, sums the partitions' mini-batch gradients with {@code treeAggregate}
 * and pushes one update, as the table's only worker.
 */
final class TreeEpochRunner implements EpochRunner {
  private final ParameterServer ps;
  private final Objective objective;

  TreeEpochRunner(ParameterServer ps, Objective objective) {
    this.ps = ps;
    this.objective = objective;
  }

  @Override
  public int tableWorkers(int workers) {
    // the driver alone pushes
    return 1;
  }

  @Override
  public EpochTotals run(Epoch epoch) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(epoch.data().context());
    int dimension = Math.toIntExact(epoch.table().spec().dimension());
    long[] all = Trainer.allKeys(dimension);
    int width = objective.width();
    Objective obj = objective;
    long orderSeed = epoch.orderSeed();
    int clocks = epoch.clocks();
    double lossSum = 0;
    long examples = 0;
    long pullNs = 0;
    long computeNs = 0;
    long pushNs = 0;
    double[] clockLoss = new double[clocks];
    double[] clockExamples = new double[clocks];
    for (int b = 0; b < clocks; b++) {
      long c = epoch.baseClock() + b;
      long t0 = System.nanoTime();
      Broadcast<double[]> w =
          jsc.broadcast(ps.client().pull(epoch.table(), all, ReadMode.atLeast(c)).values());
      long t1 = System.nanoTime();
      int step = b;
      GradientSum sum =
          UserErrors.unwrap(
              () ->
                  epoch
                      .data()
                      .mapPartitionsWithIndex(
                          (part, it) -> {
                            List<MiniBatch> mine = new ArrayList<>();
                            it.forEachRemaining(mine::add);
                            int[] order =
                                EpochTask.order(
                                    mine.size(), orderSeed == 0 ? 0 : orderSeed * 31 + part);
                            return List.of(GradientSum.of(mine.get(order[step]), w.value(), obj))
                                .iterator();
                          },
                          true)
                      .treeAggregate(
                          new GradientSum(dimension, width),
                          GradientSum::merge,
                          GradientSum::merge,
                          2));
      long t2 = System.nanoTime();
      long[] keys = sum.touched.stream().asLongStream().toArray();
      double[] deltas = new double[keys.length * width];
      for (int i = 0; i < keys.length; i++) {
        System.arraycopy(sum.grad, (int) keys[i] * width, deltas, i * width, width);
      }
      ps.client().push(epoch.table(), Push.atClock(0, c, sum.count, keys, deltas));
      w.destroy();
      long t3 = System.nanoTime();
      lossSum += sum.loss;
      examples += sum.count;
      clockLoss[b] += sum.loss;
      clockExamples[b] += sum.count;
      pullNs += t1 - t0;
      computeNs += t2 - t1;
      pushNs += t3 - t2;
    }
    return new EpochTotals(
        lossSum,
        examples,
        pullNs / 1e9,
        computeNs / 1e9,
        pushNs / 1e9,
        0,
        new double[0],
        clockLoss,
        clockExamples);
  }

  /**
   * A partition's (or a tree node's) summed gradient over the full key space ({@code width} values
   * per key), with the keys touched.
   */
  static final class GradientSum implements Serializable {
    final double[] grad;
    final int width;
    final BitSet touched = new BitSet();
    double loss;
    long count;

    GradientSum(int keys, int width) {
      this.grad = new double[keys * width];
      this.width = width;
    }

    static GradientSum of(MiniBatch batch, double[] values, Objective objective) {
      int width = objective.width();
      GradientSum s = new GradientSum(values.length / width, width);
      if (batch.rows() == 0) {
        return s;
      }
      long[] keys = batch.keys();
      double[] w = new double[keys.length * width];
      for (int i = 0; i < keys.length; i++) {
        System.arraycopy(values, (int) keys[i] * width, w, i * width, width);
      }
      double[] g = new double[keys.length * width];
      s.loss = objective.gradient(batch, w, g);
      for (int i = 0; i < keys.length; i++) {
        System.arraycopy(g, i * width, s.grad, (int) keys[i] * width, width);
        s.touched.set((int) keys[i]);
      }
      s.count = batch.rows();
      return s;
    }

    GradientSum merge(GradientSum o) {
      for (int i = o.touched.nextSetBit(0); i >= 0; i = o.touched.nextSetBit(i + 1)) {
        for (int j = i * width; j < (i + 1) * width; j++) {
          grad[j] += o.grad[j];
        }
      }
      touched.or(o.touched);
      loss += o.loss;
      count += o.count;
      return this;
    }
  }
}
