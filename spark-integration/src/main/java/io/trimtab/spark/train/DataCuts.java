package io.trimtab.spark.train;

import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.UserErrors;
import io.trimtab.spark.objective.Example;
import io.trimtab.spark.objective.FeatureColumns;
import io.trimtab.spark.objective.MiniBatch;
import io.trimtab.spark.objective.Objective;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import scala.reflect.ClassTag$;

/**
 * The data of one fit cut into one partition of mini-batches per worker, for each worker count the
 * fit has used: a tuner that tries a worker count and comes back pays the re-cut (a shuffle) once.
 * Cuts stay persisted (memory, then disk) until {@link #close}. Driver-side; not thread-safe.
 *
 * <p>A cut is materialized by a barrier job where every partition fits in a slot at once, so that
 * its cached partitions spread over the executors as the epochs' barrier tasks will: cut by an
 * ordinary job, a small data set's partitions all land in one executor, and every barrier epoch
 * then waits out Spark's locality delay.
 */
final class DataCuts implements AutoCloseable {
  private final ParameterServer ps;
  private final Dataset<Row> data;
  private final String labelCol;
  private final FeatureColumns features;
  private final long numFeatures;
  private final Objective objective;
  private final int batches;
  private final long seed;
  private final Map<Integer, JavaRDD<MiniBatch>> cuts = new HashMap<>();
  private long rows;
  private long distinctKeys;
  private double clockKeys = Double.NaN;
  private double firstCutSeconds = Double.NaN;

  DataCuts(
      ParameterServer ps,
      Dataset<Row> data,
      TrainingSpec spec,
      long numFeatures,
      Objective objective) {
    this.ps = ps;
    this.data = data;
    this.labelCol = spec.labelCol();
    this.features = spec.features();
    this.numFeatures = numFeatures;
    this.objective = objective;
    this.batches = spec.batchesPerEpoch();
    this.seed = spec.seed();
  }

  /** The cut into {@code workers} partitions, made now if the fit has not used that count yet. */
  JavaRDD<MiniBatch> cut(int workers) {
    JavaRDD<MiniBatch> cut = cuts.get(workers);
    if (cut == null) {
      long start = System.nanoTime();
      cut = prepare(workers).persist(StorageLevel.MEMORY_AND_DISK());
      CutCount counted = count(cut, workers);
      rows = counted.rows();
      distinctKeys = counted.keys().estimate();
      clockKeys =
          counted.batches() == 0 ? 0 : (double) counted.batchKeys() / counted.batches() * workers;
      cuts.put(workers, cut);
      if (Double.isNaN(firstCutSeconds)) {
        firstCutSeconds = (System.nanoTime() - start) / 1e9;
      }
    }
    return cut;
  }

  /** Rows of the data (as of the last cut made). */
  long rows() {
    return rows;
  }

  /** Distinct keys the mini-batches touch, estimated (as of the last cut made). */
  long distinctKeys() {
    return distinctKeys;
  }

  /**
   * Keys a clock's pushes carry, all workers together: the mean distinct keys of a mini-batch times
   * the workers (as of the last cut made; NaN before one).
   */
  double clockKeys() {
    return clockKeys;
  }

  /** Seconds the first cut took (the tuner's prior for the cost of a new worker count). */
  double firstCutSeconds() {
    return firstCutSeconds;
  }

  /** Drops every cut: after a lost executor, whose cached partitions are gone. */
  void clear() {
    cuts.values().forEach(c -> c.unpersist(false));
    cuts.clear();
  }

  @Override
  public void close() {
    clear();
  }

  private JavaRDD<MiniBatch> prepare(int workers) {
    int b = batches;
    long s = seed;
    long[] extraKeys = objective.extraKeys(numFeatures);
    // Not repartition(workers): a shuffle reads its map outputs in the order they arrive, so each
    // worker got its rows in a different order on every fit, and one seed gave different
    // mini-batches (BSP's first-epoch loss on spam ranged over 0.18-0.33). Rows carry their input
    // position instead, are dealt round-robin by it, and each worker sorts them back by it.
    return JavaPairRDD.fromJavaRDD(
            features
                .toExamples(data, labelCol, numFeatures, objective)
                .mapPartitionsWithIndex(DataCuts::positioned, true))
        .repartitionAndSortWithinPartitions(new RoundRobin(workers))
        .mapPartitions(
            it -> {
              List<Example> rows = new ArrayList<>();
              it.forEachRemaining(row -> rows.add(ExampleBytes.decode(row._2())));
              return MiniBatch.prepare(rows, b, s, extraKeys).iterator();
            },
            true);
  }

  /** Bits of a position that hold the row's index within its input partition. */
  private static final int ROW_BITS = 40;

  /**
   * Each row of input partition {@code p} keyed by its position ({@code p} and its index), as bytes
   * for the shuffle ({@link ExampleBytes}).
   */
  private static Iterator<Tuple2<Long, byte[]>> positioned(int p, Iterator<Example> rows) {
    long base = (long) p << ROW_BITS;
    return new Iterator<>() {
      private long i;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Tuple2<Long, byte[]> next() {
        if (i >= 1L << ROW_BITS) {
          throw new IllegalStateException(
              "More than 2^" + ROW_BITS + " rows in input partition " + p);
        }
        return new Tuple2<>(base | i++, ExampleBytes.encode(rows.next()));
      }
    };
  }

  /**
   * Deals the rows of each input partition round-robin over the workers, starting at a worker that
   * depends on the partition, as Spark's {@code repartition} does: worker sizes differ by at most
   * one row per input partition.
   */
  static final class RoundRobin extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int workers;

    RoundRobin(int workers) {
      this.workers = workers;
    }

    @Override
    public int numPartitions() {
      return workers;
    }

    @Override
    public int getPartition(Object position) {
      long key = (Long) position;
      return (int) (((key >>> ROW_BITS) + (key & ((1L << ROW_BITS) - 1))) % workers);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RoundRobin r && r.workers == workers;
    }

    @Override
    public int hashCode() {
      return workers;
    }
  }

  /**
   * A cut's rows, the keys its mini-batches touch, and its mini-batches with the sum of their
   * distinct keys.
   */
  record CutCount(long rows, DistinctKeys keys, long batches, long batchKeys)
      implements Serializable {
    CutCount plus(CutCount o) {
      return new CutCount(
          rows + o.rows, keys.merge(o.keys), batches + o.batches, batchKeys + o.batchKeys);
    }
  }

  private CutCount count(JavaRDD<MiniBatch> cut, int workers) {
    CountRows counter = new CountRows();
    if (workers > ps.taskSlots()) {
      return UserErrors.unwrap(
          () ->
              cut.mapPartitions(
                      it ->
                          scala.collection.JavaConverters.asJavaIterator(
                              counter.apply(scala.collection.JavaConverters.asScalaIterator(it))))
                  .reduce(CutCount::plus));
    }
    return UserErrors.unwrap(
            () ->
                cut.rdd()
                    .barrier()
                    .mapPartitions(counter, false, ClassTag$.MODULE$.apply(CutCount.class))
                    .toJavaRDD()
                    .collect())
        .stream()
        .reduce(CutCount::plus)
        .orElseThrow();
  }

  /** A partition's rows and keys (the barrier job that materializes a cut). */
  private static final class CountRows
      extends scala.runtime.AbstractFunction1<
          scala.collection.Iterator<MiniBatch>, scala.collection.Iterator<CutCount>>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public scala.collection.Iterator<CutCount> apply(scala.collection.Iterator<MiniBatch> it) {
      long n = 0;
      long batches = 0;
      long batchKeys = 0;
      DistinctKeys keys = new DistinctKeys();
      while (it.hasNext()) {
        MiniBatch b = it.next();
        n += b.rows();
        batches++;
        batchKeys += b.keys().length;
        for (long k : b.keys()) {
          keys.add(k);
        }
      }
      return scala.collection.JavaConverters.asScalaIterator(
          List.of(new CutCount(n, keys, batches, batchKeys)).iterator());
    }
  }
}
