package io.trimtab.spark.ml;

import io.trimtab.ps.Push;
import io.trimtab.ps.ReadMode;
import io.trimtab.ps.TableHandle;
import io.trimtab.spark.ParameterServer;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The state of one {@code fit}: the model table, the prepared mini-batches, the current setting and
 * clock. Runs epochs under any setting and switches settings between epochs without losing model
 * state: a new shard layout moves every value and optimizer state exactly ({@link
 * io.trimtab.ps.master.PsMaster#repartition}), a new worker count re-cuts the data, a new staleness
 * or aggregation resets the workers' clocks at the common epoch boundary. Driver-side; not
 * thread-safe.
 */
final class TrainingRun implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);

  /** Spark's local property behind {@code SparkContext.setJobDescription}. */
  private static final String JOB_DESCRIPTION = "spark.job.description";

  private final ParameterServer ps;
  private final Function<Integer, JavaRDD<MiniBatch>> prepare;
  private final Objective objective;

  /** Keys of the model table. */
  private final int dimension;

  private final int batches;
  private final long seed;
  private final Faults faults;

  /** Repeated pushes the tables of earlier layouts dropped. */
  private long repeatedBefore;

  private TableHandle table;
  private JavaRDD<MiniBatch> prepared;
  private final java.util.Map<Integer, JavaRDD<MiniBatch>> cuts = new java.util.HashMap<>();
  private Setting setting;
  private long clock;
  private long rows;
  private double firstCutSeconds;

  TrainingRun(
      ParameterServer ps,
      TableHandle table,
      Function<Integer, JavaRDD<MiniBatch>> prepare,
      Setting initial,
      Objective objective,
      int batches,
      long seed,
      Faults faults) {
    this.ps = ps;
    this.table = table;
    this.prepare = prepare;
    this.objective = objective;
    this.dimension = Math.toIntExact(table.spec().dimension());
    this.batches = batches;
    this.seed = seed;
    this.faults = faults;
    this.setting = initial;
    check(initial);
    ps.master().setWorkers(table, tableWorkers(initial), initial.staleness());
    long start = System.nanoTime();
    recut(initial.workers());
    firstCutSeconds = (System.nanoTime() - start) / 1e9;
  }

  /**
   * Seconds the first cut of the data took (the tuner's prior for the cost of a new worker count).
   */
  double firstCutSeconds() {
    return firstCutSeconds;
  }

  long rows() {
    return rows;
  }

  Setting setting() {
    return setting;
  }

  TableHandle table() {
    return table;
  }

  long clock() {
    return clock;
  }

  /**
   * Restores the model from a checkpoint's snapshot (before the first epoch): values, optimizer
   * state and clock; the next epoch continues from that clock.
   */
  void resume(io.trimtab.ps.TableSnapshot snapshot) {
    ps.master().restore(table, snapshot, tableWorkers(setting), setting.staleness());
    clock = snapshot.clock();
  }

  /**
   * Re-creates the model table on the parameter server's shards as they are after a loss (see
   * {@link ParameterServer#recover}) from {@code snapshot}, a checkpoint of it: the table on the
   * lost shard is dropped where its shards still answer, and one over at most as many shards as
   * before is filled with the checkpoint's values, optimizer state and clock.
   *
   * @return the clocks of work lost: from the checkpoint's clock to where training had got
   */
  long recover(io.trimtab.ps.TableSnapshot snapshot) {
    long lost = clock - snapshot.clock();
    ps.master().dropReachable(table);
    // the lost executor's cached partitions are gone: cut the data again over the live executors
    cuts.values().forEach(c -> c.unpersist(false));
    cuts.clear();
    recut(setting.workers());
    Setting s = setting.shards() > ps.numShards() ? setting.withShards(ps.numShards()) : setting;
    check(s);
    table = ps.master().createTable(table.spec(), s.partitioner(), s.shards());
    setting = s;
    ps.master().setWorkers(table, tableWorkers(setting), setting.staleness());
    resume(snapshot);
    return lost;
  }

  /** The model table as it is now (every key, value and optimizer state). */
  io.trimtab.ps.TableSnapshot snapshot() {
    return ps.master().snapshot(table);
  }

  /**
   * Switches to {@code next} between epochs; returns the seconds it took (0 if nothing changed).
   */
  double switchTo(Setting next) {
    if (next.equals(setting)) {
      return 0;
    }
    long start = System.nanoTime();
    check(next);
    if (setting.layoutDiffers(next)) {
      repeatedBefore += ps.master().stats(table).duplicatePushes();
      table =
          ps.master()
              .repartition(
                  table, next.partitioner(), next.shards(), tableWorkers(next), next.staleness());
    } else {
      ps.master().setWorkers(table, tableWorkers(next), next.staleness());
    }
    if (next.workers() != setting.workers()) {
      recut(next.workers());
    }
    setting = next;
    return (System.nanoTime() - start) / 1e9;
  }

  /** Runs epoch {@code e} under the current setting. */
  EpochMetrics runEpoch(int e, double switchSeconds) {
    long start = System.nanoTime();
    long orderSeed = seed == 0 ? 0 : seed * 1_000_003L + e;
    double[] clockLoss = new double[batches];
    double[] clockRows = new double[batches];
    // the Spark UI names the epoch and its setting on every job of it
    org.apache.spark.SparkContext sc = prepared.context();
    String description = sc.getLocalProperty(JOB_DESCRIPTION);
    sc.setJobDescription("Trimtab " + objective.name() + ": epoch " + e + ", " + setting);
    double[] totals;
    try {
      totals =
          setting.aggregation() == Aggregation.DRIVER_TREE
              ? treeEpoch(orderSeed, clockLoss, clockRows)
              : taskEpoch(orderSeed, clockLoss, clockRows);
    } finally {
      sc.setJobDescription(description);
    }
    clock += batches;
    double seconds = (System.nanoTime() - start) / 1e9;
    long n = (long) totals[1];
    double[] taskSeconds = java.util.Arrays.copyOfRange(totals, 6, totals.length);
    double[] clockLosses = new double[batches];
    for (int b = 0; b < batches; b++) {
      clockLosses[b] = clockRows[b] > 0 ? clockLoss[b] / clockRows[b] : Double.NaN;
    }
    return new EpochMetrics(
        e,
        n > 0 ? totals[0] / n : Double.NaN,
        n,
        seconds,
        clock,
        totals[2] / 1e9,
        totals[3] / 1e9,
        totals[4] / 1e9,
        setting.toString(),
        switchSeconds,
        (long) totals[5],
        taskSeconds,
        clockLosses,
        Double.NaN,
        "",
        0);
  }

  /**
   * Direct or executor-combined pushes: one task per worker runs the whole epoch against the PS.
   *
   * <p>Bounded staleness needs every worker running at once: a barrier stage guarantees it. Spark
   * does not retry a failed barrier result stage (it aborts the job), so a failed epoch stage is
   * run again here, up to {@code spark.stage.maxConsecutiveAttempts} times in all, as Spark would
   * retry a failed barrier shuffle stage: every worker repeats the epoch from its first clock, the
   * shards drop the pushes of clocks already pushed, and BSP reads are exact, so nothing is applied
   * twice. A bad-input error is not retried. Unbounded (ASP) epochs are ordinary stages, whose
   * failed tasks Spark retries itself.
   */
  private double[] taskEpoch(long orderSeed, double[] clockLoss, double[] clockRows) {
    if (ps.lostAShardOf(table)) {
      // Spark reported the executor gone: do not wait for a barrier stage to find out
      ps.lostShards(table, java.time.Duration.ofSeconds(10))
          .ifPresent(
              lost -> {
                throw new ShardLostException(
                    lost + " (before the epoch stage from clock " + clock + ")", null);
              });
    }
    ClassTag<double[]> tag = ClassTag$.MODULE$.apply(double[].class);
    boolean barrier = setting.staleness().bounded();
    int attempts =
        barrier ? prepared.context().getConf().getInt("spark.stage.maxConsecutiveAttempts", 4) : 1;
    List<double[]> results = null;
    for (int attempt = 0; results == null; attempt++) {
      EpochTask task =
          new EpochTask(
              table,
              ps.conf().clientOptions(),
              clock,
              orderSeed,
              setting.staleness(),
              faults,
              setting.aggregation(),
              attempt,
              objective);
      RDD<double[]> out =
          barrier
              ? prepared.rdd().barrier().mapPartitions(task, false, tag)
              : prepared.rdd().mapPartitions(task, false, tag);
      try {
        results = UserErrors.unwrap(() -> out.toJavaRDD().collect());
      } catch (IllegalArgumentException e) {
        throw e;
      } catch (Exception e) { // Spark's job failure is a SparkException, checked, thrown from Scala
        // a lost executor took its shard (and its part of the model) along: re-running cannot help
        java.util.Optional<String> lost = ps.lostShards(table, java.time.Duration.ofSeconds(10));
        if (lost.isPresent()) {
          throw new ShardLostException(lost.get() + " (epoch stage from clock " + clock + ")", e);
        }
        if (attempt + 1 >= attempts) {
          throw UserErrors.<RuntimeException>rethrow(e);
        }
        LOG.warn(
            "Trimtab: the epoch stage from clock {} failed (attempt {} of {}): {}; running it again (the shards "
                + "drop repeated pushes)",
            clock,
            attempt + 1,
            attempts,
            e.getMessage());
      }
    }
    double[] totals = new double[6 + results.size()];
    for (int w = 0; w < results.size(); w++) {
      double[] r = results.get(w);
      for (int i = 0; i < 5; i++) {
        totals[i] += r[i];
      }
      totals[5] = Math.max(totals[5], r[5]);
      totals[6 + w] = r[6] / 1e9;
      int k = (r.length - EpochTask.HEAD) / 2;
      for (int b = 0; b < k && b < batches; b++) {
        clockLoss[b] += r[EpochTask.HEAD + b];
        clockRows[b] += r[EpochTask.HEAD + k + b];
      }
    }
    return totals;
  }

  /**
   * MLlib's pattern, on the PS: per clock the driver pulls the weights, broadcasts them, sums the
   * partitions' mini-batch gradients with {@code treeAggregate} and pushes one update (BSP).
   */
  private double[] treeEpoch(long orderSeed, double[] clockLoss, double[] clockRows) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(prepared.context());
    long[] all = allKeys();
    int width = objective.width();
    Objective obj = objective;
    double[] totals = new double[6];
    for (int b = 0; b < batches; b++) {
      long c = clock + b;
      long t0 = System.nanoTime();
      Broadcast<double[]> w =
          jsc.broadcast(ps.client().pull(table, all, ReadMode.atLeast(c)).values());
      long t1 = System.nanoTime();
      int step = b;
      GradientSum sum =
          UserErrors.unwrap(
              () ->
                  prepared
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
      ps.client().push(table, Push.atClock(0, c, sum.count, keys, deltas));
      w.destroy();
      long t3 = System.nanoTime();
      totals[0] += sum.loss;
      totals[1] += sum.count;
      clockLoss[b] += sum.loss;
      clockRows[b] += sum.count;
      totals[2] += t1 - t0;
      totals[3] += t2 - t1;
      totals[4] += t3 - t2;
    }
    return totals;
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

  private void check(Setting s) {
    check(ps, s);
  }

  /** Fails with a clear message if {@code s} cannot run on this cluster. */
  static void check(ParameterServer ps, Setting s) {
    if (s.shards() > ps.numShards()) {
      throw new IllegalArgumentException(
          "Invalid shard count: "
              + s.shards()
              + " (at most "
              + ps.numShards()
              + ", the number of executors with a shard)");
    }
    if (s.staleness().bounded()) {
      ps.requireWorkers(s.workers(), s.staleness());
    }
  }

  /** The workers the shards count per clock: the driver alone under tree aggregation. */
  private static int tableWorkers(Setting s) {
    return s.aggregation() == Aggregation.DRIVER_TREE ? 1 : s.workers();
  }

  /**
   * Cuts the data into {@code workers} partitions of mini-batches, or reuses the cut made when the
   * run last had that many workers: a tuner that tries a worker count and comes back pays the
   * re-cut (a shuffle, measured at 1-2 s on SpamAssassin) once. Cuts stay persisted (memory, then
   * disk) until the run closes.
   *
   * <p>The cut is materialized by a barrier job where every partition fits in a slot at once, so
   * that its cached partitions spread over the executors as the epochs' barrier tasks will: cut by
   * an ordinary job, a small data set's partitions all landed in one executor, and every barrier
   * epoch then waited out Spark's locality delay (about 7 s per epoch with 1-core executors).
   */
  private void recut(int workers) {
    JavaRDD<MiniBatch> cut = cuts.get(workers);
    if (cut == null) {
      cut = prepare.apply(workers).persist(StorageLevel.MEMORY_AND_DISK());
      JavaRDD<MiniBatch> counted = cut;
      rows =
          workers <= ps.taskSlots()
              ? UserErrors.unwrap(
                      () ->
                          counted
                              .rdd()
                              .barrier()
                              .mapPartitions(
                                  new CountRows(), false, ClassTag$.MODULE$.apply(Long.class))
                              .toJavaRDD()
                              .collect())
                  .stream()
                  .mapToLong(Long::longValue)
                  .sum()
              : UserErrors.unwrap(
                  () -> counted.map(MiniBatch::rows).fold(0, Integer::sum).longValue());
      cuts.put(workers, cut);
    }
    prepared = cut;
  }

  /** A partition's row count (the barrier job that materializes a cut). */
  private static final class CountRows
      extends scala.runtime.AbstractFunction1<
          scala.collection.Iterator<MiniBatch>, scala.collection.Iterator<Long>>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public scala.collection.Iterator<Long> apply(scala.collection.Iterator<MiniBatch> it) {
      long n = 0;
      while (it.hasNext()) {
        n += it.next().rows();
      }
      return scala.collection.JavaConverters.asScalaIterator(List.of(n).iterator());
    }
  }

  /** Repeated pushes the shards dropped so far (retried or speculative task attempts). */
  long repeatedPushes() {
    return repeatedBefore + ps.master().stats(table).duplicatePushes();
  }

  /**
   * The final values of every key ({@code width} each, key-major), read once every clock is
   * applied.
   */
  double[] values() {
    // every worker pushes every clock of an epoch, so the table clock reaches `clock` in every mode
    return ps.client().pull(table, allKeys(), ReadMode.atLeast(clock)).values();
  }

  private long[] allKeys() {
    long[] keys = new long[dimension];
    for (int i = 0; i < dimension; i++) {
      keys[i] = i;
    }
    return keys;
  }

  @Override
  public void close() {
    ps.dropTable(table);
    cuts.values().forEach(c -> c.unpersist(false));
    cuts.clear();
  }
}
