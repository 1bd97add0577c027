package io.trimtab.spark.train;

import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.UserErrors;
import io.trimtab.spark.objective.Example;
import io.trimtab.spark.objective.Examples;
import io.trimtab.spark.objective.MiniBatch;
import io.trimtab.spark.objective.Objective;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
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
  private final String featuresCol;
  private final int numFeatures;
  private final Objective objective;
  private final int batches;
  private final long seed;
  private final Map<Integer, JavaRDD<MiniBatch>> cuts = new HashMap<>();
  private long rows;
  private double firstCutSeconds = Double.NaN;

  DataCuts(
      ParameterServer ps,
      Dataset<Row> data,
      TrainingSpec spec,
      int numFeatures,
      Objective objective) {
    this.ps = ps;
    this.data = data;
    this.labelCol = spec.labelCol();
    this.featuresCol = spec.featuresCol();
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
      rows = count(cut, workers);
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
    return Examples.toExamples(data, labelCol, featuresCol, numFeatures, objective)
        .repartition(workers)
        .mapPartitions(
            it -> {
              List<Example> rows = new ArrayList<>();
              it.forEachRemaining(rows::add);
              return MiniBatch.prepare(rows, b, s, extraKeys).iterator();
            },
            true);
  }

  private long count(JavaRDD<MiniBatch> cut, int workers) {
    if (workers > ps.taskSlots()) {
      return UserErrors.unwrap(() -> cut.map(MiniBatch::rows).fold(0, Integer::sum).longValue());
    }
    return UserErrors.unwrap(
            () ->
                cut.rdd()
                    .barrier()
                    .mapPartitions(new CountRows(), false, ClassTag$.MODULE$.apply(Long.class))
                    .toJavaRDD()
                    .collect())
        .stream()
        .mapToLong(Long::longValue)
        .sum();
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
}
